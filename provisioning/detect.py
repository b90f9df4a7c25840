"""`python -m provisioning detect`: which printers and scanners are plugged in, and the URL or spec for each.

Everything is read from sysfs and /dev (both roots injectable, so tests build fake trees); nothing is opened
except, when an address is given, one TCP connection to a network printer.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from drivers.scanner.evdev_scanner import SCANNER_VENDORS, SCANNER_WORDS

# USB receipt printers seen in village halls: VID:PID -> (model, python-escpos profile or our generic one).
KNOWN_PRINTERS: dict[str, tuple[str, str]] = {
    "0416:5011": ("POS-58 / POS-5890 (Winbond, generic 58 mm)", "POS-5890"),
    "0416:aaba": ("POS-80 (Winbond, generic 80 mm)", "80mm"),
    "0fe6:811e": ("POS-80 (ICS Advent, generic 80 mm)", "80mm"),
    "28e9:0289": ("Xprinter XP-58 (GD32)", "58mm"),
    "1fc9:2016": ("Xprinter / generic POS (NXP)", "80mm"),
    "04b8:0202": ("Epson TM-T88/TM-T20 series", "TM-T20II"),
    "04b8:0e15": ("Epson TM-T20II", "TM-T20II"),
    "04b8:0e28": ("Epson TM-T20III", "TM-T20II"),
    "0dd4:0186": ("Custom / Kiosk printer", "80mm"),
}
KNOWN_READERS: dict[str, tuple[str, str]] = {
    "ffff:0035": ("RFID 125 kHz (Sycreader)", "rfid"),
    "08ff:0009": ("RFID 125 kHz", "rfid"),
    "0c2e:0b61": ("Honeywell Voyager", "scanner"),
    "05e0:1200": ("Symbol / Zebra LS2208", "scanner"),
    "1eab:1d06": ("Newland 2D", "scanner"),
}
SERIAL_ADAPTERS: dict[str, str] = {
    "1a86:7523": "CH340 USB-serial", "067b:2303": "Prolific PL2303 USB-serial",
    "0403:6001": "FTDI USB-serial", "10c4:ea60": "CP210x USB-serial",
}
USB_CLASS_PRINTER = 0x07
KEY_ENTER, KEY_1, KEY_0 = 28, 2, 11
EV_KEY, EV_REL = 1, 2


@dataclass(frozen=True)
class Found:
    """One device: what it is, where it is, and what to put in the configuration for it."""

    kind: str  # "printer", "scanner", "rfid", "serial" or "keyboard"
    name: str
    where: str
    use: str  # the printer URL or scanner spec
    note: str = ""


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace").strip()
    except OSError:
        return ""


def _hex_id(text: str) -> str:
    try:
        return f"{int(text, 16):04x}"
    except ValueError:
        return ""


def _usb_ancestor(path: Path) -> Path | None:
    """The USB device folder (the one holding idVendor) above a sysfs device path."""
    try:
        current = path.resolve()
    except OSError:
        return None
    for folder in (current, *current.parents):
        if (folder / "idVendor").is_file():
            return folder
    return None


def _vidpid(folder: Path) -> str:
    return f"{_hex_id(_read(folder / 'idVendor'))}:{_hex_id(_read(folder / 'idProduct'))}"


def _label(folder: Path) -> str:
    return " ".join(p for p in (_read(folder / "manufacturer"), _read(folder / "product")) if p) or "USB device"


def usb_printers(sys_root: Path, dev_root: Path) -> Iterator[Found]:
    """USB devices with a printer interface (class 07), or a VID:PID we know as a printer."""
    devices = sys_root / "bus/usb/devices"
    if not devices.is_dir():
        return
    lp_files = sorted(p.name for p in (dev_root / "usb").glob("lp*")) if (dev_root / "usb").is_dir() else []
    for folder in sorted(devices.iterdir()):
        if ":" in folder.name or not (folder / "idVendor").is_file():
            continue  # interfaces are "1-1.2:1.0"; devices have idVendor
        ids = _vidpid(folder)
        printer_interface = any(_read(i / "bInterfaceClass") == f"{USB_CLASS_PRINTER:02x}"
                                for i in folder.glob(f"{folder.name}:*"))
        if ids not in KNOWN_PRINTERS and not printer_interface:
            continue
        model, profile = KNOWN_PRINTERS.get(ids, (_label(folder), ""))
        url = f"usb://{ids}" + (f"?profile={profile}" if profile else "")
        note = "model dikenal / known model" if ids in KNOWN_PRINTERS else "model tidak dikenal: coba ?profile=58mm " \
            "atau 80mm / unknown model: try ?profile=58mm or 80mm"
        if lp_files:
            note += f"; juga / also file:///dev/usb/{lp_files[0]}"
        yield Found("printer", model, f"USB {ids}", url, note)


def serial_ports(sys_root: Path, dev_root: Path) -> Iterator[Found]:
    """USB-serial and CDC-ACM ports; each could be a printer or a scanner, so both uses are given."""
    ttys = sys_root / "class/tty"
    if not ttys.is_dir():
        return
    by_id = {}
    serial_dir = dev_root / "serial/by-id"
    if serial_dir.is_dir():
        for link in serial_dir.iterdir():
            if link.is_symlink():
                by_id[os.path.basename(os.readlink(link))] = f"/dev/serial/by-id/{link.name}"
    for tty in sorted(ttys.iterdir()):
        if not tty.name.startswith(("ttyUSB", "ttyACM")):
            continue
        usb = _usb_ancestor(tty / "device")
        ids = _vidpid(usb) if usb else ""
        name = SERIAL_ADAPTERS.get(ids) or (_label(usb) if usb else "serial port")
        path = by_id.get(tty.name, f"/dev/{tty.name}")
        known = KNOWN_READERS.get(ids)
        yield Found("scanner" if known else "serial", known[0] if known else name,
                    f"/dev/{tty.name}" + (f" (USB {ids})" if ids else ""),
                    f"serial://{path}?baudrate=9600",
                    f"printer: serial://{path}?baudrate=19200 (lihat manual / see manual); "
                    f"scanner: serial://{path}?baudrate=9600")


def _bitmap_has(bitmap: str, *bits: int) -> bool:
    """Whether a sysfs capability bitmap (hex words, most significant first) has every bit (all < 32)."""
    words = bitmap.split()
    if not words:
        return False
    try:
        low = int(words[-1], 16)
    except ValueError:
        return False
    return all(low >> bit & 1 for bit in bits)


def input_readers(sys_root: Path, dev_root: Path) -> Iterator[Found]:
    """Keyboard-like input devices (Enter and digits, no mouse), ranked as scanner, RFID reader or keyboard."""
    inputs = sys_root / "class/input"
    if not inputs.is_dir():
        return
    by_id: dict[str, str] = {}
    id_dir = dev_root / "input/by-id"
    if id_dir.is_dir():
        for link in sorted(id_dir.iterdir()):
            if link.is_symlink():
                by_id.setdefault(os.path.basename(os.readlink(link)), f"/dev/input/by-id/{link.name}")
    for event in sorted(inputs.glob("event*"), key=lambda p: int(p.name[5:] or 0)):
        device = event / "device"
        caps = device / "capabilities"
        if not _bitmap_has(_read(caps / "ev"), EV_KEY) or _bitmap_has(_read(caps / "ev"), EV_REL):
            continue
        if not _bitmap_has(_read(caps / "key"), KEY_ENTER, KEY_1, KEY_0):
            continue
        name = _read(device / "name")
        ids = f"{_hex_id(_read(device / 'id/vendor'))}:{_hex_id(_read(device / 'id/product'))}"
        lowered = name.lower()
        known = KNOWN_READERS.get(ids)
        if known:
            kind = known[1]
        elif any(word in lowered for word in ("rfid", "em4100", "id card", "sycreader")):
            kind = "rfid"
        elif any(word in lowered for word in SCANNER_WORDS) or int(ids[:4] or "0", 16) in SCANNER_VENDORS:
            kind = "scanner"
        else:
            kind = "keyboard"
        path = by_id.get(event.name)
        spec = f"evdev:{path}" if path else f"evdev:{ids}"
        note = "" if kind != "keyboard" else "mungkin keyboard biasa / may be an ordinary keyboard"
        yield Found(kind, known[0] if known else name or "input device", f"/dev/input/{event.name} (USB {ids})",
                    spec, note)


def network_printer(address: str, timeout: float = 3.0) -> Found:
    """Try one TCP connection to ``HOST[:PORT]`` (port 9100 unless given)."""
    host, _, port_text = address.rpartition(":") if address.count(":") == 1 else (address, "", "")
    port = int(port_text) if port_text.isdigit() else 9100
    url = f"tcp://{host}:{port}"
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        return Found("printer", "printer jaringan / network printer", f"{host}:{port}", url,
                     f"TIDAK TERJANGKAU / NOT REACHABLE: {exc.strerror or exc}")
    return Found("printer", "printer jaringan / network printer", f"{host}:{port}", url, "terjangkau / reachable")


def detect(sys_root: str | os.PathLike[str] = "/sys", dev_root: str | os.PathLike[str] = "/dev",
           addresses: tuple[str, ...] = ()) -> list[Found]:
    """Every printer and reader found, printers first."""
    sys_path, dev_path = Path(sys_root), Path(dev_root)
    found = [*usb_printers(sys_path, dev_path), *(network_printer(a) for a in addresses),
             *serial_ports(sys_path, dev_path), *input_readers(sys_path, dev_path)]
    order = {"printer": 0, "scanner": 1, "rfid": 2, "serial": 3, "keyboard": 4}
    return sorted(found, key=lambda f: order.get(f.kind, 9))


def scanner_usb_ids(spec: str, sys_root: str | os.PathLike[str] = "/sys",
                    dev_root: str | os.PathLike[str] = "/dev") -> str | None:
    """The USB VID:PID behind a scanner spec, when it names one or its device is plugged in (for udev rules)."""
    body = spec.split(":", 1)[1] if spec.startswith("evdev:") else ""
    if body and body[0] != "/" and ":" in body:
        vid, _, pid = body.partition(":")
        return f"{_hex_id(vid)}:{_hex_id(pid)}" if _hex_id(vid) and _hex_id(pid) else None
    for reader in [*input_readers(Path(sys_root), Path(dev_root)), *serial_ports(Path(sys_root), Path(dev_root))]:
        if reader.use.split("?")[0] == spec.split("?")[0] and "(USB " in reader.where:
            return reader.where.rsplit("(USB ", 1)[1].rstrip(")")
    return None


KIND_WORDS = {"printer": "Printer", "scanner": "Pemindai / scanner", "rfid": "Pembaca RFID / RFID reader",
              "serial": "Port serial / serial port", "keyboard": "Keyboard"}


def format_table(found: list[Found]) -> str:
    """A plain table for the technician, Indonesian first."""
    if not found:
        return ("Tidak ada printer atau pemindai yang terdeteksi. Periksa kabel USB dan daya.\n"
                "No printer or scanner found. Check the USB cable and power.")
    lines = []
    for item in found:
        lines.append(f"{KIND_WORDS.get(item.kind, item.kind)}: {item.name}")
        lines.append(f"    di / at:        {item.where}")
        label = "--printer" if item.kind == "printer" else "--scanner"
        lines.append(f"    pakai / use:    {label} '{item.use}'")
        if item.note:
            lines.append(f"    catatan / note: {item.note}")
    return "\n".join(lines)


def as_json(found: list[Found]) -> list[dict[str, str]]:
    return [asdict(item) for item in found]
