"""`python -m provisioning doctor`: every check a technician needs, in plain words, Indonesian first.

Kiosk: configuration, edge server reachable, token valid, printer online with paper, scanner present.
Edge: configuration, server answering, database integrity, sync backlog. Both: clock synchronised, disk space.
Exits 1 when any check failed (warnings alone exit 0).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from provisioning import detect, edgeapi
from provisioning.doctor_root import FAIL, OK, WARN, Check, qr_address_check, unit_check
from provisioning.target import ProvisioningError
from provisioning.tomlfile import read_table

BACKLOG_WARN = timedelta(minutes=15)
BACKLOG_FAIL = timedelta(hours=24)
DISK_FAIL_BYTES, DISK_WARN_BYTES = 200 * 2**20, 1024 * 2**20


# ----- shared checks ---------------------------------------------------------------------------------------
def check_clock(root: Path) -> Check:
    """systemd-timesyncd or NTP says the clock is synchronised (tickets, letters and sync need the date)."""
    name = "Jam / clock"
    if root == Path("/"):
        try:
            answer = subprocess.run(["timedatectl", "show", "--property=NTPSynchronized", "--value"],
                                    capture_output=True, text=True, timeout=10, check=False)
            if answer.returncode == 0 and answer.stdout.strip() in ("yes", "no"):
                synced = answer.stdout.strip() == "yes"
                return Check(name, OK if synced else FAIL, "sinkron dengan NTP / synchronised" if synced else
                             "belum sinkron: periksa internet, `timedatectl` / not synchronised: check the internet")
        except (OSError, subprocess.TimeoutExpired):
            pass
    if (root / "run/systemd/timesync/synchronized").exists():
        return Check(name, OK, "sinkron / synchronised (systemd-timesyncd)")
    return Check(name, FAIL, "belum sinkron: periksa internet dan `timedatectl` / not synchronised: check the "
                             "internet and `timedatectl`")


def check_disk(path: Path) -> Check:
    """Free space where the role keeps its data."""
    name = "Ruang disk / disk space"
    while not path.exists() and path != path.parent:
        path = path.parent
    usage = shutil.disk_usage(path)
    free_mb = usage.free // 2**20
    detail = f"{free_mb} MB bebas / free ({usage.free * 100 // max(usage.total, 1)}%) di / on {path}"
    if usage.free < DISK_FAIL_BYTES or usage.free < usage.total * 0.02:
        return Check(name, FAIL, detail + "; hapus berkas lama / delete old files")
    if usage.free < DISK_WARN_BYTES or usage.free < usage.total * 0.10:
        return Check(name, WARN, detail)
    return Check(name, OK, detail)


def _on_root(root: Path, path: str) -> Path:
    return root / path.lstrip("/")


# ----- kiosk -----------------------------------------------------------------------------------------------
def kiosk_checks(values: dict[str, object], root: Path, config_path: Path) -> list[Check]:
    """The kiosk's config, its edge (over the network, where it really is), token, printer and scanner."""
    from provisioning.kiosk import check_printer, check_scanner

    checks: list[Check] = []
    problems = []
    edge_url, token = str(values.get("edge_url", "")), str(values.get("token") or values.get("device_token") or "")
    printer, scanner = str(values.get("printer", "")), str(values.get("scanner", "keyboard"))
    if not edge_url.startswith(("http://", "https://")):
        problems.append("edge_url kosong atau salah / missing or wrong")
    if not token:
        problems.append("token kosong: jalankan `provisioning kiosk` / no token: run `provisioning kiosk`")
    for key, check in (("printer", check_printer), ("scanner", check_scanner)):
        try:
            check(printer if key == "printer" else scanner)
        except ProvisioningError as exc:
            problems.append(f"{key}: {exc}")
    mode = config_path.stat().st_mode & 0o777
    if mode & 0o077:
        problems.append(f"{config_path} bisa dibaca orang lain ({mode:04o}); harus 0600 / readable by others")
    checks.append(Check("Konfigurasi kiosk / kiosk config", FAIL if problems else OK,
                        "; ".join(problems) or f"{config_path} benar / valid"))
    fingerprint = str(values.get("edge_fingerprint") or "")
    if edge_url.startswith("https://") and not fingerprint:
        problems.append("edge_fingerprint kosong untuk https / missing for an https edge_url")
    checks.extend(_edge_and_token(edge_url, token, fingerprint))
    checks.append(check_printer_status(printer))
    checks.append(check_scanner_present(scanner, root))
    if root != Path("/"):
        checks.append(unit_check(root, "anjungan-kiosk.service"))
    return checks


def _edge_and_token(edge_url: str, token: str, fingerprint: str = "") -> list[Check]:
    try:
        sent = datetime.now(UTC)
        answer = edgeapi.health(edge_url, timeout=5, fingerprint=fingerprint)
        received = datetime.now(UTC)
    except ProvisioningError as exc:
        return [Check("Server edge / edge server", FAIL, f"{exc}; periksa jaringan dan server / check network"),
                Check("Token perangkat / device token", FAIL, "tidak bisa diperiksa / cannot be checked")]
    village = answer.get("village") or {}
    edge = Check("Server edge / edge server", OK, f"terjangkau / reachable: {edge_url}, desa / village "
                                                 f"{village.get('name') or '?'} {village.get('code') or ''}".rstrip())
    clock = edge_clock_check(answer.get("clock"), sent + (received - sent) / 2)
    try:
        works = edgeapi.token_works(edge_url, token, fingerprint=fingerprint)
    except ProvisioningError as exc:
        return [edge, clock, Check("Token perangkat / device token", FAIL, str(exc))]
    return [edge, clock, Check("Token perangkat / device token", OK if works else FAIL,
                        "diterima / accepted" if works else "ditolak: pasangkan ulang dengan kode baru "
                        "(`provisioning kiosk`) / refused: pair again with a new code")]


def edge_clock_check(clock: object, local_now: datetime, warn_seconds: float = 60.0) -> Check:
    """The edge's clock: where its time comes from (``source``), whether it trusts it, and how far this machine's
    clock is from it (a kiosk shows the edge's time; more than a minute apart is worth fixing)."""
    name = "Waktu server edge / edge clock"
    if not isinstance(clock, dict) or not isinstance(clock.get("now"), str):
        return Check(name, WARN, "server edge tidak melaporkan jam (versi lama?) / the edge does not report its "
                                 "clock (old version?)")
    try:
        edge_now = datetime.fromisoformat(clock["now"])
        if edge_now.tzinfo is None:
            raise ValueError(clock["now"])
    except ValueError:
        return Check(name, WARN, f"waktu tidak terbaca / unreadable time {clock['now']!r}")
    drift = (local_now - edge_now).total_seconds()
    source = clock.get("source") or "?"
    detail = f"sumber / source: {source}; selisih / drift {drift:+.0f} s (mesin ini - server edge / this machine " \
             f"- edge)"
    if not clock.get("trusted"):
        return Check(name, FAIL, f"TIDAK dipercaya / NOT trusted: {clock.get('reason') or '?'}; {detail}; "
                                 "nomor antrean tertahan: periksa internet/NTP atau setel jam di konsol admin / "
                                 "numbering is held: check internet/NTP or set the time in the admin console")
    if abs(drift) > warn_seconds:
        return Check(name, WARN, f"{detail}; jam mesin ini salah: `timedatectl` / this machine's clock is off")
    return Check(name, OK, detail)


def check_printer_status(url: str) -> Check:
    from drivers.printer import PrinterError, open_printer

    name = "Printer"
    try:
        status = open_printer(url, timeout=5.0).status()
    except PrinterError as exc:
        return Check(name, FAIL, f"{url}: {exc}")
    if status.paper == "out":  # a printer without paper also reports itself offline
        return Check(name, FAIL, "kertas habis: ganti gulungan / paper out: load a new roll")
    if not status.online:
        return Check(name, FAIL, f"mati, tidak tersambung, atau tutup terbuka / off, not connected or cover open "
                                 f"({url})")
    words = {"ok": (OK, "kertas cukup / paper ok"), "low": (WARN, "kertas hampir habis / paper low"),
             "out": (FAIL, "kertas habis: ganti gulungan / paper out: load a new roll"),
             "unknown": (OK, "printer tidak melaporkan kertas (biasa) / printer does not report paper (normal)")}
    status_word, detail = words.get(status.paper, (WARN, status.paper))
    return Check(name, status_word, f"menyala / online, {detail}")


def check_scanner_present(spec: str, root: Path) -> Check:
    name = "Pemindai / scanner"
    if spec == "keyboard":
        return Check(name, OK, "keyboard (layar kiosk) / keyboard-wedge through the kiosk window")
    sys_root, dev_root = _on_root(root, "/sys"), _on_root(root, "/dev")
    if spec.startswith("serial://"):
        path = spec[len("serial://"):].split("?")[0]
        present = _on_root(root, path).exists()
    elif spec.startswith("evdev:/"):
        present = _on_root(root, spec[len("evdev:"):]).exists()
    else:
        readers = list(detect.input_readers(sys_root, dev_root))
        if spec == "evdev:auto":
            present = any(r.kind in ("scanner", "rfid") for r in readers)
        else:
            ids = detect.scanner_usb_ids(spec, sys_root="/nonexistent", dev_root="/nonexistent")
            present = any(f"(USB {ids})" in r.where for r in readers)
    if present:
        return Check(name, OK, f"tersambung / connected ({spec})")
    return Check(name, FAIL, f"tidak ditemukan: periksa kabel USB, lalu `provisioning detect` / not found: check the "
                             f"USB cable, then run `provisioning detect` ({spec})")


# ----- edge ------------------------------------------------------------------------------------------------
def edge_checks(values: dict[str, object], root: Path, config_path: Path, edge_url: str = "") -> list[Check]:
    problems = []
    code = str(values.get("village_code", ""))
    if len(code.replace(".", "")) != 10 or not code.replace(".", "").isdigit():
        problems.append("village_code harus 10 angka / must be 10 digits")
    if bool(values.get("district_url")) != bool(values.get("district_secret")):
        problems.append("district_url dan district_secret harus bersama / go together")
    data_dir = _on_root(root, str(values.get("data_dir", "/var/lib/anjungan")))
    if not data_dir.is_dir():
        problems.append(f"folder data tidak ada / data folder missing: {data_dir}")
    checks = [Check("Konfigurasi edge / edge config", FAIL if problems else OK,
                    "; ".join(problems) or f"{config_path} benar / valid")]
    checks.append(qr_address_check(values))
    host = str(values.get("host", "0.0.0.0"))
    host = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    url = edge_url or f"http://{host}:{values.get('port', 8080)}"
    if values.get("tls_cert"):
        checks.append(tls_check(values, root, host))
    if root != Path("/"):
        checks.append(unit_check(root, "anjungan-edge.service"))
    if root == Path("/") or edge_url:  # under --root, 127.0.0.1 is this machine's server, not the root's
        checks.extend(edge_service_checks(url, code))
    else:
        checks.append(Check("Layanan edge / edge service", OK, f"tidak diperiksa: {root} bukan sistem yang berjalan; "
                            "pakai --edge-url untuk server yang berjalan / not checked: the root is not running; "
                            "pass --edge-url for a running server"))
    database = data_dir / "edge.sqlite3"
    checks.extend(database_checks(database, bool(values.get("district_url"))))
    return checks


def edge_service_checks(url: str, code: str) -> list[Check]:
    """The running server at ``url``: its clock, and that it is this village's (not another server)."""
    name = "Layanan edge / edge service"
    try:
        sent = datetime.now(UTC)
        answer = edgeapi.health(url, timeout=5)
    except ProvisioningError as exc:
        return [Check(name, FAIL, f"{exc}; `systemctl status anjungan-edge`")]
    served = (answer.get("village") or {}).get("code", "")
    clock = edge_clock_check(answer.get("clock"), sent)
    if served and served.replace(".", "") != code.replace(".", ""):
        return [clock, Check(name, FAIL, f"server lain menjawab di / another server answers at {url}: kode desa / "
                                         f"village code {served}, bukan / not {code}")]
    return [clock, Check(name, OK, f"menjawab di / answers at {url}")]


def tls_check(values: dict[str, object], root: Path, host: str) -> Check:
    """The HTTPS certificate: readable, not about to expire, and the one the running server presents."""
    from provisioning import tlscert

    name = "Sertifikat HTTPS / certificate"
    cert_path = _on_root(root, str(values["tls_cert"]))
    try:
        pem = cert_path.read_bytes()
        days, fingerprint = tlscert.days_left(pem), tlscert.fingerprint_of_pem(pem)
    except (OSError, ValueError) as exc:
        return Check(name, FAIL, f"{cert_path}: {exc}; jalankan / run `provisioning edge`")
    detail = f"{fingerprint[:23]}..., berlaku {days} hari lagi / valid {days} more days"
    if days < 30:
        return Check(name, FAIL if days < 0 else WARN, detail + "; `provisioning edge --new-certificate`, lalu "
                     "pasangkan ulang kiosk / then set up kiosks and boards again")
    if root == Path("/"):
        try:
            served = tlscert.fingerprint_of_pem(tlscert.fetch_certificate(host, int(values.get("tls_port", 8443)),
                                                                          timeout=5))
        except ProvisioningError as exc:
            return Check(name, FAIL, f"{detail}; {exc}")
        if served != fingerprint:
            return Check(name, FAIL, f"server memakai sertifikat lain / the server presents another certificate "
                                     f"({served[:23]}...): `systemctl restart anjungan-edge`")
    return Check(name, OK, detail)


def _open_readonly(database: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)


def database_checks(database: Path, syncing: bool, now: datetime | None = None) -> list[Check]:
    """PRAGMA integrity_check, and the outbox events the district has not acknowledged yet."""
    if not database.is_file():
        return [Check("Database", FAIL, f"tidak ada / missing: {database}")]
    try:
        db = _open_readonly(database)
    except sqlite3.Error as exc:
        return [Check("Database", FAIL, f"tidak bisa dibuka / cannot be opened: {exc}")]
    try:
        result = [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]
        integrity = Check("Database", OK, "utuh / intact (integrity_check ok)") if result == ["ok"] else \
            Check("Database", FAIL, "RUSAK, pulihkan dari cadangan / DAMAGED, restore a backup: "
                  + "; ".join(result[:3]))
        count, oldest = db.execute("SELECT COUNT(*), MIN(occurred_at) FROM outbox_event WHERE acked_at IS NULL"
                                   ).fetchone()
    except sqlite3.DatabaseError as exc:
        return [Check("Database", FAIL, f"RUSAK / DAMAGED: {exc}; pulihkan dari cadangan / restore a backup")]
    finally:
        db.close()
    return [integrity, backlog_check(count, oldest, syncing, now or datetime.now(UTC).replace(tzinfo=None))]


def backlog_check(count: int, oldest: str | None, syncing: bool, now: datetime) -> Check:
    name = "Antrean sinkron / sync backlog"
    if not syncing:
        return Check(name, OK, f"kabupaten belum diatur; {count} catatan menunggu / district not set up; "
                               f"{count} records waiting")
    if not count:
        return Check(name, OK, "semua terkirim / everything sent")
    try:
        age = now - datetime.fromisoformat(str(oldest))
    except ValueError:
        age = timedelta(0)
    detail = f"{count} catatan belum diterima kabupaten, tertua {int(age.total_seconds() // 60)} menit / " \
             f"{count} records not yet acknowledged, oldest {int(age.total_seconds() // 60)} min"
    if age > BACKLOG_FAIL:
        return Check(name, FAIL, detail + "; periksa internet dan district_url / check internet and district_url")
    return Check(name, WARN if age > BACKLOG_WARN else OK, detail)


# ----- the command -----------------------------------------------------------------------------------------
def find_configs(config: str | None, root: Path) -> list[tuple[str, Path]]:
    """(role, path) for --config, or for each of /etc/anjungan/{kiosk,edge}.toml present under ``root``."""
    if config:
        path = Path(config)
        if not path.is_file():
            raise ProvisioningError(f"berkas konfigurasi tidak ada / config file not found: {path}")
        values = read_table(path, "edge") if "edge" in path.name else read_table(path, "kiosk")
        return [("edge" if "village_code" in values else "kiosk", path)]
    found = [(role, root / f"etc/anjungan/{role}.toml") for role in ("edge", "kiosk")]
    return [(role, path) for role, path in found if path.is_file()]


def print_test_page(url: str) -> Check:
    from drivers.printer import PrinterError, open_printer
    from drivers.receipt import test_page

    try:
        printer = open_printer(url, timeout=10.0)
        printer.print(test_page(profile_name=printer.profile.name, width_mm=printer.profile.width_mm))
    except PrinterError as exc:
        return Check("Cetak uji / test print", FAIL, str(exc))
    return Check("Cetak uji / test print", OK, f"halaman uji dikirim / test page sent to {url}")


def format_table(checks: list[Check]) -> str:
    headers = ("Pemeriksaan / Check", "Hasil / Result", "Keterangan / Details")
    widths = [max(len(headers[0]), *(len(c.name) for c in checks)),
              max(len(headers[1]), *(len(c.status) for c in checks))]
    rows = [headers, *((c.name, c.status, c.detail) for c in checks)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}" for a, b, c in rows]
    lines.insert(1, "-" * (widths[0] + widths[1] + 4 + len(headers[2])))
    return "\n".join(lines)


def run_doctor(config: str | None = None, root: str | os.PathLike[str] = "/", print_test: bool = False,
               edge_url: str = "") -> int:
    root_path = Path(root).resolve()
    configs = find_configs(config, root_path)
    checks: list[Check] = []
    if not configs:
        checks.append(Check("Konfigurasi / configuration", FAIL, "tidak ada /etc/anjungan/kiosk.toml atau edge.toml; "
                            "jalankan `provisioning kiosk` atau `edge` / none found: run `provisioning kiosk` "
                            "or `edge`"))
    data_paths = []
    for role, path in configs:
        values = read_table(path, role)
        if role == "kiosk":
            checks.extend(kiosk_checks(values, root_path, path))
            data_paths.append(_on_root(root_path, "/var/lib/anjungan"))
            if print_test:
                checks.append(print_test_page(str(values.get("printer", ""))))
        else:
            checks.extend(edge_checks(values, root_path, path, edge_url))
            data_paths.append(_on_root(root_path, str(values.get("data_dir", "/var/lib/anjungan"))))
            if print_test and values.get("counter_printer"):
                checks.append(print_test_page(str(values["counter_printer"])))
    checks.append(check_clock(root_path))
    checks.append(check_disk(data_paths[0] if data_paths else root_path))
    print(format_table(checks))
    failed = sum(c.status == FAIL for c in checks)
    print()
    print("Semua baik. / All good." if not failed else
          f"{failed} masalah ditemukan (lihat GAGAL). / {failed} problems found (see FAILED).")
    return 1 if failed else 0
