"""`python -m provisioning kiosk`: pair this machine (or a root folder) with the edge server and make it a kiosk.

Pairing comes first: a wrong code stops everything before a single file is written. A kiosk.toml whose token
the edge server still accepts is kept, and nothing is paired again.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from pathlib import Path
from string import Template
from urllib.parse import urlparse

from drivers.printer import PrinterUrlError, parse_printer_url, profile_for_url
from drivers.scanner import ScannerSpecError, open_scanner
from provisioning import detect, edgeapi, tlscert
from provisioning.target import ProvisioningError, Target
from provisioning.tomlfile import read_table, render
from provisioning.udev import render_rules
from provisioning.units import install_unit, mask_unit, require_root

KIOSK_USER = "anjungan-kiosk"
STATE_DIR = "/var/lib/anjungan/kiosk"
CONFIG = "/etc/anjungan/kiosk.toml"
KIVY_CONFIG = f"{STATE_DIR}/kivy/config.ini"
UDEV_RULES = "/etc/udev/rules.d/70-anjungan-kiosk.rules"
UNIT = "anjungan-kiosk.service"
GROUPS = ("video", "render", "input", "dialout", "lp", "audio")
DEFAULT_PRINTER = f"virtual://{STATE_DIR}/receipts"
DEFAULT_SCANNER = "evdev:auto"
OVERLAY_MARK = "overlayroot=tmpfs"
TEMPLATES = Path(__file__).parent / "templates"
HEADER = """Anjungan Desa kiosk, written by `python -m provisioning kiosk`.
Holds the device token: readable by the anjungan-kiosk user only. Keys you add are kept on re-runs."""


@dataclass(frozen=True)
class KioskOptions:
    edge_url: str
    pairing_code: str
    printer: str | None = None
    scanner: str | None = None
    name: str | None = None
    rotation: int | None = None
    language: str | None = None
    idle_timeout: int | None = None
    overlay: bool = False
    wait_seconds: float = 0.0
    edge_fingerprint: str | None = None


def check_printer(url: str) -> int:
    """The paper width for a printer URL. :raises ProvisioningError: for a URL the drivers would refuse."""
    try:
        parsed = parse_printer_url(url)
        if parsed.scheme == "usb":
            parsed.usb_ids()
        return profile_for_url(parsed).width_mm
    except PrinterUrlError as exc:
        raise ProvisioningError(f"--printer: {exc}") from None


def check_scanner(spec: str) -> str:
    """:raises ProvisioningError: for a spec the drivers would refuse (nothing is opened)."""
    try:
        open_scanner(spec, lambda _scan: None)
    except ScannerSpecError as exc:
        raise ProvisioningError(f"--scanner: {exc}") from None
    return spec


def check_options(opts: KioskOptions) -> None:
    """Validate every flag before anything talks to the edge server or writes a file."""
    url = urlparse(opts.edge_url)
    if url.scheme not in ("http", "https") or not url.netloc:
        raise ProvisioningError(f"--edge-url: harus seperti / must look like http://192.168.1.10:8080, "
                                f"not {opts.edge_url!r}")
    if opts.printer:
        check_printer(opts.printer)
    if opts.scanner:
        check_scanner(opts.scanner)
    if opts.rotation not in (None, 0, 90, 180, 270):
        raise ProvisioningError("--rotation: 0, 90, 180 atau / or 270")
    if opts.language not in (None, "id", "en"):
        raise ProvisioningError("--language: id atau / or en")
    if opts.edge_fingerprint:
        if url.scheme != "https":
            raise ProvisioningError("--edge-fingerprint: hanya untuk / only for an https:// --edge-url")
        tlscert.edge_fingerprint_option(opts.edge_fingerprint)


def edge_pin(target: Target, opts: KioskOptions, existing: dict[str, object]) -> str:
    """The edge certificate's fingerprint the kiosk will trust ("" for plain HTTP).

    ``--edge-fingerprint`` first; else the one kiosk.toml already pins for this edge; else trust on first use:
    the certificate the edge presents now, shown so the technician can compare it with the edge's.
    """
    url = urlparse(opts.edge_url)
    if url.scheme != "https":
        return ""
    if opts.edge_fingerprint:
        return tlscert.edge_fingerprint_option(opts.edge_fingerprint)
    pinned = existing.get("edge_fingerprint")
    if isinstance(pinned, str) and pinned and _same_edge(existing.get("edge_url"), opts.edge_url):
        return tlscert.edge_fingerprint_option(pinned)
    deadline = time.monotonic() + opts.wait_seconds
    while True:  # first boot: the edge server may still be starting
        try:
            pem = tlscert.fetch_certificate(url.hostname or "", url.port or 443)
            break
        except ProvisioningError:
            if time.monotonic() >= deadline:
                raise
            target.say(f"  menunggu server edge / waiting for the edge server at {opts.edge_url} ...")
            time.sleep(min(5.0, max(0.5, deadline - time.monotonic())))
    fingerprint = tlscert.fingerprint_of_pem(pem)
    target.say(f"  sertifikat server edge dipercaya saat pertama / edge certificate trusted on first use: "
               f"{fingerprint}")
    target.say("  cocokkan dengan yang dicetak `provisioning edge` atau halaman /cert / compare it with the one "
               "`provisioning edge` printed or the /cert page")
    return fingerprint


def _same_edge(a: object, b: str) -> bool:
    return isinstance(a, str) and a.rstrip("/") == b.rstrip("/")


def obtain_token(target: Target, opts: KioskOptions, existing: dict[str, object], pin: str = "") -> str:
    """The device token: the configured one while the edge server accepts it, else a new one from pairing.

    Every call goes over the pinned certificate (``pin``): the token never reaches another server."""
    if opts.wait_seconds:
        edgeapi.wait_for_edge(opts.edge_url, opts.wait_seconds, target.say, fingerprint=pin)
    token = existing.get("token") or existing.get("device_token")
    if isinstance(token, str) and _same_edge(existing.get("edge_url"), opts.edge_url):
        if edgeapi.token_works(opts.edge_url, token, fingerprint=pin):
            target.say("  sudah benar / already right: token perangkat masih berlaku, tidak dipasangkan ulang / "
                       "device token still valid, not pairing again")
            return token
        target.say("  token lama ditolak server; memasangkan ulang / old token refused; pairing again")
    if not opts.pairing_code.strip():
        raise ProvisioningError("--pairing-code: wajib diisi, buat di konsol staf (Perangkat) / required: make one in "
                                "the staff console (Devices)")
    if target.dry_run:
        answer = edgeapi.check_pairing_code(opts.edge_url, opts.pairing_code.strip(), fingerprint=pin)
        target.say(f"  kode pemasangan berlaku sampai / pairing code valid until {answer.get('expires_at', '?')} "
                   f"(belum dipakai / not used)")
        target.say(f"  akan dipasangkan / would pair with {opts.edge_url} using the pairing code")
        return "(token dari pemasangan / token from pairing)"
    token = edgeapi.pair(opts.edge_url, opts.pairing_code.strip(), opts.name or _default_name(target),
                         fingerprint=pin)
    target.say(f"  dipasangkan / paired with {opts.edge_url}")
    return token


def _default_name(target: Target) -> str:
    return f"Kiosk {socket.gethostname()}" if target.is_host else "Kiosk"


def _detected_printer(target: Target) -> str | None:
    """On the running system, the one USB printer plugged in (none or several: no guess)."""
    if not target.is_host:
        return None
    printers = [f for f in detect.usb_printers(Path("/sys"), Path("/dev"))]
    return printers[0].use if len(printers) == 1 else None


def village_zone(opts: KioskOptions, existing: dict[str, object], pin: str = "") -> str:
    """The village's time zone as the edge server tells it (``/health``), else the one kiosk.toml holds, else WIB:
    the kiosk shows village time whatever this machine's zone is."""
    try:
        zone = (edgeapi.health(opts.edge_url, fingerprint=pin).get("village") or {}).get("timezone")
    except edgeapi.EdgeUnreachable:
        zone = None
    return str(zone or existing.get("timezone") or "Asia/Jakarta")


def kiosk_config(existing: dict[str, object], opts: KioskOptions, token: str, target: Target,
                 pin: str = "", timezone: str = "") -> dict[str, object]:
    """The kiosk.toml keys (those kiosk/config.py reads), keeping keys a technician added."""
    printer = opts.printer or existing.get("printer") or _detected_printer(target)
    if not printer:
        target.say(f"  peringatan / warning: tidak ada printer; memakai / no printer given, using {DEFAULT_PRINTER}")
        printer = DEFAULT_PRINTER
    values: dict[str, object] = {
        "edge_url": opts.edge_url.rstrip("/"),
        "token": token,
        "name": opts.name or existing.get("name") or _default_name(target),
        "printer": printer,
        "scanner": opts.scanner or existing.get("scanner") or DEFAULT_SCANNER,
        "paper_width": check_printer(str(printer)),
        "idle_timeout": opts.idle_timeout or existing.get("idle_timeout", 45),
        "language": opts.language or existing.get("language", "id"),
        "rotation": opts.rotation if opts.rotation is not None else existing.get("rotation", 0),
        "timezone": timezone or existing.get("timezone") or "Asia/Jakarta",
    }
    if pin:
        values["edge_fingerprint"] = pin
    for key, value in existing.items():
        if key not in ("device_token", "kiosk", "edge_fingerprint"):
            values.setdefault(key, value)
    return values


def _usb_ids(target: Target, spec: str, *, printer: bool) -> str | None:
    """The USB VID:PID for a udev rule: from the URL or spec itself, or (on the running system only) from
    the plugged-in device behind its path."""
    if printer:
        parsed = parse_printer_url(spec)
        if parsed.scheme == "usb":
            vid, pid = parsed.usb_ids()
            return f"{vid:04x}:{pid:04x}"
        if parsed.scheme != "serial":
            return None
        spec = f"serial://{parsed.target}"
    elif spec.startswith("evdev:") and not spec.startswith("evdev:/") and spec != "evdev:auto":
        return detect.scanner_usb_ids(spec, sys_root="/nonexistent", dev_root="/nonexistent")
    return detect.scanner_usb_ids(spec) if target.is_host else None


def overlay_enabled(target: Target) -> bool:
    """Whether the overlay root file system is already switched on (raspi-config adds overlayroot=tmpfs)."""
    for cmdline in ("/boot/firmware/cmdline.txt", "/boot/cmdline.txt"):
        path = target.path(cmdline)
        if path.is_file() and OVERLAY_MARK in path.read_text():
            return True
    return False


def provision_kiosk(target: Target, opts: KioskOptions) -> None:
    """Everything `provisioning kiosk` does; safe to run again. :raises ProvisioningError: on a problem."""
    check_options(opts)
    require_root(target)
    existing = read_table(target.path(CONFIG), "kiosk")
    target.say(f"Kiosk untuk server edge / kiosk for the edge server {opts.edge_url}")
    pin = edge_pin(target, opts, existing)
    token = obtain_token(target, opts, existing, pin)  # before any write: a wrong code leaves the machine as it was
    zone = village_zone(opts, existing, pin)
    target.say(f"  zona waktu desa / village time zone: {zone}")
    values = kiosk_config(existing, opts, token, target, pin, zone)
    target.ensure_user(KIOSK_USER, home=STATE_DIR, groups=GROUPS)
    target.ensure_dir("/etc/anjungan")
    target.ensure_dir("/var/lib/anjungan")
    target.ensure_dir(STATE_DIR, mode=0o750, owner=KIOSK_USER, group=KIOSK_USER)
    target.ensure_dir(f"{STATE_DIR}/kivy", mode=0o750, owner=KIOSK_USER, group=KIOSK_USER)
    changed = target.write_file(CONFIG, render(values, HEADER), mode=0o600, owner=KIOSK_USER, group=KIOSK_USER)
    printer, scanner = str(values["printer"]), str(values["scanner"])
    rules = render_rules(printer, _usb_ids(target, printer, printer=True), scanner,
                         _usb_ids(target, scanner, printer=False), KIOSK_USER)
    rules_changed = target.write_file(UDEV_RULES, rules, mode=0o644)
    target.run(["udevadm", "control", "--reload-rules"], needed=rules_changed)
    target.run(["udevadm", "trigger", "--action=change"], needed=rules_changed)
    kivy = Template((TEMPLATES / "kivy-config.ini.tmpl").read_text()).substitute(rotation=values["rotation"])
    changed |= target.write_file(KIVY_CONFIG, kivy, mode=0o640, owner=KIOSK_USER, group=KIOSK_USER)
    mask_unit(target, "getty@tty1.service")
    install_unit(target, UNIT, restart=changed or rules_changed)
    if opts.overlay:
        enabled = overlay_enabled(target)
        if enabled:
            target.say("  sudah benar / already right: overlay root file system")
        target.run(["raspi-config", "nonint", "enable_overlayfs"], needed=not enabled)
        if not enabled and target.live:
            target.say("  overlay aktif setelah reboot / the overlay takes effect after a reboot")
    target.write_plan("kiosk")
