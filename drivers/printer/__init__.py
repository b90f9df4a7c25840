"""Printers: one factory from a printer URL (CONTRACTS.md section 5) to a :class:`Printer`.

| URL | transport |
|---|---|
| ``usb://VID:PID[?profile=NAME]`` | pyusb, bulk endpoints, timeouts in every transfer |
| ``serial:///dev/ttyUSB0?baudrate=19200[&profile=NAME][&rtscts=1][&xonxoff=1]`` | pyserial |
| ``tcp://HOST[:9100][?profile=NAME]`` | raw TCP, one connection per job |
| ``file:///dev/usb/lp0`` | the kernel's usblp device file (or any file) |
| ``virtual://DIR[?width=58|80][&paper=out|low][&offline=1][&delay=2.5]`` | renders to DIR/<n>.txt and .png |

Every URL also takes ``profile=NAME`` (``58mm``, ``80mm`` or a python-escpos profile such as ``TM-T20II``)
or ``width=58|80``, and ``timeout=SECONDS``.
"""

from __future__ import annotations

from drivers.printer.errors import (
    PaperOut,
    PrinterError,
    PrinterNotFound,
    PrinterOffline,
    PrinterPermissionDenied,
    PrinterTimeout,
    PrinterUrlError,
)
from drivers.printer.printer import Printer
from drivers.printer.schemes import TRANSPORTS
from drivers.printer.status import PrinterStatus, parse_status_reply
from drivers.printer.transport import Transport
from drivers.printer.url import PrinterUrl, parse_printer_url
from drivers.profiles import PrinterProfile, UnknownProfile, get_profile

__all__ = [
    "PaperOut",
    "Printer",
    "PrinterError",
    "PrinterNotFound",
    "PrinterOffline",
    "PrinterPermissionDenied",
    "PrinterProfile",
    "PrinterStatus",
    "PrinterTimeout",
    "PrinterUrlError",
    "Transport",
    "get_profile",
    "open_printer",
    "parse_printer_url",
    "parse_status_reply",
    "profile_for_url",
]


def profile_for_url(parsed: PrinterUrl, default: str | None = None) -> PrinterProfile:
    """The URL's ``profile`` (or ``width``), else ``default``, else 80 mm for network printers and 58 mm
    for the rest (cheap USB and serial printers are mostly 58 mm)."""
    width = parsed.int_param("width", 0) or None
    if width not in (None, 58, 80):
        raise PrinterUrlError(f"width={width} harus 58 atau 80 / must be 58 or 80")
    name = parsed.params.get("profile") or (None if width else default)
    if not name and not width:
        width = 80 if parsed.scheme == "tcp" else 58
    try:
        return get_profile(name, width=width)
    except UnknownProfile as exc:
        raise PrinterUrlError(str(exc)) from exc


def open_printer(url: str, *, timeout: float = 5.0, profile: str | None = None) -> Printer:
    """A :class:`Printer` for ``url``. Nothing is opened yet: the device is opened by ``open()`` (or a
    ``with`` block) or by the first ``print``/``status``.

    :param timeout: seconds for every connect, write and read (a URL's ``timeout=`` wins).
    :param profile: the configured profile name, used when the URL names none.
    :raises PrinterUrlError: for a malformed URL or an unknown profile.
    """
    parsed = parse_printer_url(url)
    timeout = parsed.float_param("timeout", timeout)
    chosen = profile_for_url(parsed, profile)
    return Printer(TRANSPORTS[parsed.scheme](parsed, timeout, chosen), chosen)
