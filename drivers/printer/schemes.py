"""The one table from a printer URL's scheme to the transport that serves it (CONTRACTS.md section 5).

`parse_printer_url` accepts exactly the schemes named here, so a scheme can never be accepted without a transport
(and quietly become another kind of printer). Each builder imports its transport when used, so importing the
drivers loads no USB, serial or rendering library.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from drivers.printer.errors import PrinterUrlError

if TYPE_CHECKING:
    from drivers.printer.transport import Transport
    from drivers.printer.url import PrinterUrl
    from drivers.profiles import PrinterProfile


def _usb(parsed: PrinterUrl, timeout: float, profile: PrinterProfile) -> Transport:
    from drivers.printer.usb_transport import UsbTransport

    vid, pid = parsed.usb_ids()
    return UsbTransport(vid, pid, timeout=timeout)


def _serial(parsed: PrinterUrl, timeout: float, profile: PrinterProfile) -> Transport:
    from drivers.printer.serial_transport import SerialTransport

    return SerialTransport(parsed.target, baudrate=parsed.int_param("baudrate", 9600), timeout=timeout,
                           rtscts=parsed.flag("rtscts"), xonxoff=parsed.flag("xonxoff"))


def _tcp(parsed: PrinterUrl, timeout: float, profile: PrinterProfile) -> Transport:
    from drivers.printer.network_transport import NetworkTransport

    return NetworkTransport(parsed.target, parsed.port or 9100, timeout=timeout)


def _file(parsed: PrinterUrl, timeout: float, profile: PrinterProfile) -> Transport:
    from drivers.printer.file_transport import FileTransport

    return FileTransport(parsed.target, timeout=timeout)


def _virtual(parsed: PrinterUrl, timeout: float, profile: PrinterProfile) -> Transport:
    from drivers.virtual.printer import VirtualTransport

    paper = parsed.params.get("paper", "ok")
    if paper not in ("ok", "low", "out", "unknown"):
        raise PrinterUrlError(f"paper={paper!r} harus / must be ok, low, out or unknown")
    return VirtualTransport(parsed.target, profile=profile, paper=paper, offline=parsed.flag("offline"),
                            delay=parsed.float_param("delay", 0.0), timeout=timeout)


TRANSPORTS: dict[str, Callable[[PrinterUrl, float, PrinterProfile], Transport]] = {
    "usb": _usb,
    "serial": _serial,
    "tcp": _tcp,
    "file": _file,
    "virtual": _virtual,
}
SCHEMES = tuple(TRANSPORTS)
