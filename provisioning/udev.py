"""udev rules that give the kiosk user its printer and scanner (by USB VID:PID), with stable symlinks."""

from __future__ import annotations

import re

_IDS = re.compile(r"^([0-9a-f]{4}):([0-9a-f]{4})$")


def _ids(vidpid: str | None) -> tuple[str, str] | None:
    match = _IDS.match((vidpid or "").lower())
    return (match.group(1), match.group(2)) if match else None


def printer_rules(url: str, vidpid: str | None, group: str) -> list[str]:
    """Rules for a USB printer: the raw USB device (python-escpos/pyusb) and the usblp node, which also gets
    the stable name /dev/anjungan-printer (usable as file:///dev/anjungan-printer)."""
    ids = _ids(vidpid)
    if ids is None:
        return [f"# Printer {url}: tidak ada ID USB / no USB id; access through the groups lp and dialout"]
    vid, pid = ids
    match = f'ATTRS{{idVendor}}=="{vid}", ATTRS{{idProduct}}=="{pid}"'
    return [
        f"# Printer {url}",
        f'SUBSYSTEM=="usb", ENV{{DEVTYPE}}=="usb_device", {match}, MODE="0660", GROUP="{group}"',
        (f'SUBSYSTEM=="usbmisc", KERNEL=="lp[0-9]*", {match}, MODE="0660", GROUP="{group}", '
         'SYMLINK+="anjungan-printer"'),
        f'SUBSYSTEM=="tty", {match}, MODE="0660", GROUP="{group}", SYMLINK+="anjungan-printer"',
    ]


def scanner_rules(spec: str, vidpid: str | None, group: str) -> list[str]:
    """Rules for a scanner or RFID reader: its keyboard event node gets /dev/input/anjungan-scanner, a serial
    one /dev/anjungan-scanner (usable as evdev:/dev/input/anjungan-scanner or serial:///dev/anjungan-scanner)."""
    ids = _ids(vidpid)
    if ids is None:
        return [f"# Scanner {spec}: tidak ada ID USB / no USB id; access through the groups input and dialout"]
    vid, pid = ids
    match = f'ATTRS{{idVendor}}=="{vid}", ATTRS{{idProduct}}=="{pid}"'
    return [
        f"# Scanner {spec}",
        (f'SUBSYSTEM=="input", KERNEL=="event*", ENV{{ID_INPUT_KEYBOARD}}=="1", {match}, MODE="0660", '
         f'GROUP="{group}", SYMLINK+="input/anjungan-scanner"'),
        f'SUBSYSTEM=="tty", {match}, MODE="0660", GROUP="{group}", SYMLINK+="anjungan-scanner"',
    ]


def render_rules(printer_url: str, printer_ids: str | None, scanner_spec: str, scanner_ids: str | None,
                 group: str) -> str:
    lines = ["# Anjungan Desa kiosk devices, written by `python -m provisioning kiosk`; re-run it after",
             "# replacing the printer or the scanner (see docs/technician.md).",
             *printer_rules(printer_url, printer_ids, group), *scanner_rules(scanner_spec, scanner_ids, group)]
    return "\n".join(lines) + "\n"
