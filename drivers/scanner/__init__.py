"""Scanners: barcode, QR and RFID readers as keyboards (evdev), on a serial line, or the kiosk window.

| spec | scanner |
|---|---|
| ``evdev:auto`` | the keyboard-like input device whose name or vendor looks like a scanner/RFID reader |
| ``evdev:/dev/input/by-id/usb-...-event-kbd`` | that device |
| ``evdev:VID:PID`` | the keyboard-like device with that USB vendor and product id (hex) |
| ``serial:///dev/ttyACM0?baudrate=9600&terminator=cr|lf|crlf|auto|none`` | a serial scanner |
| ``keyboard`` | text the kiosk window passes to :meth:`KeyboardScanner.feed_text` |

``open_scanner`` builds the scanner without touching the device; ``start()`` begins reading in a background
thread and ``stop()`` ends it. Each scan is handed to ``on_scan`` (pass ``queue.put`` for a queue).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from drivers.scanner.base import Scanner, ScannerSpecError
from drivers.scanner.keyboard import KeyboardScanner
from drivers.scanner.keymap import KeyEventDecoder, text_to_events

__all__ = [
    "KeyEventDecoder",
    "KeyboardScanner",
    "Scanner",
    "ScannerSpecError",
    "open_scanner",
    "text_to_events",
]


def _serial_scanner(spec: str, on_scan: Callable[[str], None]) -> Scanner:
    from drivers.scanner.serial_scanner import TERMINATORS, SerialScanner

    parts = urlsplit(spec)
    port = parts.netloc + parts.path
    if not port:
        raise ScannerSpecError("serial scanner needs a port, e.g. serial:///dev/ttyACM0?baudrate=9600")
    params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    terminator = params.get("terminator", "auto").lower()
    if terminator not in TERMINATORS:
        raise ScannerSpecError(f"terminator={terminator!r}: use cr, lf, crlf, auto or none")
    try:
        baudrate = int(params.get("baudrate", "9600"))
        timeout = float(params.get("timeout", "0.2"))
    except ValueError as exc:
        raise ScannerSpecError(f"{spec!r}: baudrate and timeout must be numbers") from exc
    return SerialScanner(port, on_scan, baudrate=baudrate, terminator=terminator, timeout=timeout)


def open_scanner(spec: str, on_scan: Callable[[str], None]) -> Scanner:
    """A scanner for ``spec`` (see the module docstring), not started yet.

    :raises ScannerSpecError: for a spec that cannot be understood.
    """
    spec = (spec or "").strip()
    if spec == "keyboard":
        return KeyboardScanner(on_scan)
    if spec.startswith("evdev:"):
        from drivers.scanner.evdev_scanner import EvdevScanner

        return EvdevScanner(spec[len("evdev:") :], on_scan)
    if spec.startswith("serial://"):
        return _serial_scanner(spec, on_scan)
    raise ScannerSpecError(
        f"unknown scanner spec {spec!r}: use evdev:auto, evdev:/dev/input/by-id/..., "
        "evdev:VID:PID, serial:///dev/ttyACM0?baudrate=9600 or keyboard"
    )
