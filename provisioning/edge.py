"""`python -m provisioning edge`: turn this machine (or a root folder) into a village edge server.

Steps, each skipped when already right: the service user, the data folder, the HTTPS certificate and key
(/etc/anjungan/tls/, kept while valid: kiosks and boards pin it), /etc/anjungan/edge.toml, the database with its
first admin (password printed once), the systemd unit, enabled and started.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from provisioning import tlscert
from provisioning.target import ProvisioningError, Target
from provisioning.tomlfile import read_table, render
from provisioning.units import install_unit, require_root

EDGE_USER = "anjungan-edge"
DATA_DIR = "/var/lib/anjungan/edge"
CONFIG = "/etc/anjungan/edge.toml"
WORKERS = 2
UNIT = "anjungan-edge.service"
ADMIN = "admin"
TLS_DIR = "/etc/anjungan/tls"
TLS_CERT = f"{TLS_DIR}/edge.crt"
TLS_KEY = f"{TLS_DIR}/edge.key"
TLS_PORT = 8443
_VILLAGE_CODE = re.compile(r"(\d{2})\.?(\d{2})\.?(\d{2})\.?(\d{4})")
HEADER = """Anjungan Desa edge server, written by `python -m provisioning edge`.
Keys not listed here keep their defaults (see edge_server/config.py); keys you add are kept on re-runs.
Readable by root and the anjungan-edge group only: it may hold the district secret."""


@dataclass(frozen=True)
class EdgeOptions:
    village_code: str
    village_name: str
    district_url: str | None = None
    district_secret: str | None = None
    port: int | None = None
    timezone: str | None = None
    tls: bool = True
    addresses: tuple[str, ...] = ()
    new_certificate: bool = False
    public_url: str | None = None  # the LAN address QR codes point at; found from this machine when not given


def normalise_village_code(code: str) -> str:
    """``3317092016`` or ``33.17.09.2016`` -> ``33.17.09.2016``. :raises ProvisioningError: otherwise."""
    match = _VILLAGE_CODE.fullmatch(code.strip())
    if not match:
        raise ProvisioningError(f"kode desa harus 10 angka seperti 33.17.09.2016 / village code must be 10 digits "
                                f"like 33.17.09.2016, not {code!r}")
    return ".".join(match.groups())


def check_options(opts: EdgeOptions) -> EdgeOptions:
    """Validate before anything is written. :raises ProvisioningError: naming the flag."""
    if not opts.village_name.strip():
        raise ProvisioningError("--village-name: nama desa wajib diisi / the village name is required")
    if bool(opts.district_url) != bool(opts.district_secret):
        raise ProvisioningError("--district-url dan --district-secret harus diberikan bersama / "
                                "--district-url and --district-secret go together")
    if opts.district_url:
        url = urlparse(opts.district_url)
        if url.scheme not in ("http", "https") or not url.netloc:
            raise ProvisioningError(f"--district-url: harus http(s)://HOST / must be http(s)://HOST, "
                                    f"not {opts.district_url!r}")
    if opts.port is not None and not 0 < opts.port < 65536:
        raise ProvisioningError(f"--port: {opts.port} bukan port TCP / is not a TCP port")
    if opts.public_url:
        url = urlparse(opts.public_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ProvisioningError(f"--public-url: harus http(s)://ALAMAT:PORT / must be http(s)://ADDRESS:PORT, "
                                    f"not {opts.public_url!r}")
        if is_loopback(url.hostname):
            raise ProvisioningError(f"--public-url: {url.hostname} hanya mesin ini; ponsel warga tidak bisa "
                                    f"membukanya / only this machine: residents' phones cannot open it")
    for address in opts.addresses:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise ProvisioningError(f"--address: {address!r} bukan alamat IP / is not an IP address") from None
    return EdgeOptions(normalise_village_code(opts.village_code), opts.village_name.strip(), opts.district_url,
                       opts.district_secret, opts.port, opts.timezone, opts.tls, opts.addresses,
                       opts.new_certificate, opts.public_url.rstrip("/") if opts.public_url else None)


def is_loopback(host: str) -> bool:
    """127.0.0.1, ::1, localhost: an address that, in a QR code, opens nothing on a resident's phone."""
    if host.lower() in ("localhost", "localhost.localdomain", "0.0.0.0", "::", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def public_url(target: Target, opts: EdgeOptions, existing: dict[str, object], port: int, tls_port: int) -> str:
    """The edge's address on the village LAN, for the QR codes on tickets and letters (`public_url`).

    ``--public-url`` first; else the one edge.toml holds (unless it is a loopback address); else this machine's
    first LAN address (or the first ``--address``, or ``HOSTNAME.local`` for a --root), on the HTTPS port when
    TLS is on. Never 127.0.0.1."""
    if opts.public_url:
        return opts.public_url
    current = existing.get("public_url")
    if isinstance(current, str) and current and not is_loopback(urlparse(current).hostname or ""):
        return current.rstrip("/")
    hosts = [*opts.addresses, *(tlscert.lan_addresses() if target.is_host else [])]
    host = hosts[0] if hosts else f"{_hostname(target)}.local"
    host = f"[{host}]" if ":" in host else host
    return f"https://{host}:{tls_port}" if opts.tls else f"http://{host}:{port}"


def edge_config(existing: dict[str, object], opts: EdgeOptions, target: Target) -> dict[str, object]:
    """The edge.toml keys: ours set from the options, everything else a technician added kept as it is."""
    values: dict[str, object] = {
        "village_code": opts.village_code,
        "village_name": opts.village_name,
        "host": existing.get("host", "0.0.0.0"),
        "port": opts.port or existing.get("port", 8080),
        "timezone": opts.timezone or existing.get("timezone", "Asia/Jakarta"),
        "data_dir": DATA_DIR,
        # two web server processes: every Raspberry Pi since the 2 has four cores (docs/operator.md, benchmarks)
        "workers": existing.get("workers", WORKERS),
    }
    if opts.district_url:
        values.update(district_url=opts.district_url, district_secret=opts.district_secret)
    values["public_url"] = public_url(target, opts, existing, int(str(values["port"])),
                                      int(str(existing.get("tls_port", TLS_PORT))))
    if opts.tls:
        values.update(tls_cert=TLS_CERT, tls_key=TLS_KEY, tls_port=existing.get("tls_port", TLS_PORT))
    else:
        for key in ("tls_cert", "tls_key"):
            existing.pop(key, None)
    for key, value in existing.items():
        values.setdefault(key, value)
    return values


def _hostname(target: Target) -> str:
    """The target system's host name (its /etc/hostname; this machine's when it is the running system)."""
    path = target.path("/etc/hostname")
    if path.is_file() and path.read_text().strip():
        return path.read_text().strip().split(".")[0]
    return socket.gethostname().split(".")[0] if target.is_host else "anjungan-edge"


def ensure_certificate(target: Target, opts: EdgeOptions) -> bool:
    """The edge's HTTPS key and self-signed certificate, made once and kept while valid (kiosks and boards pin
    it: a new one means pairing them again). :returns: True when they were (re)made."""
    cert_path, key_path = target.path(TLS_CERT), target.path(TLS_KEY)
    target.ensure_dir(TLS_DIR, mode=0o755)
    current_cert, current_key = _read(cert_path), _read(key_path)
    keep = (not opts.new_certificate and current_cert is not None and current_key is not None
            and tlscert.still_good(current_cert, current_key))
    if keep:
        cert_pem, key_pem = current_cert.decode(), current_key.decode()
    else:
        hostname = _hostname(target)
        addresses = [*(tlscert.lan_addresses() if target.is_host else []), *opts.addresses]
        key_pem, cert_pem = tlscert.make_certificate(hostname, addresses)
        names = ", ".join([hostname, f"{hostname}.local", *addresses])
        target.say(f"  sertifikat baru untuk / new certificate for: {names} "
                   f"({tlscert.VALID_DAYS // 365} tahun / years)")
    target.write_file(TLS_KEY, key_pem, mode=0o640, owner="root", group=EDGE_USER)
    target.write_file(TLS_CERT, cert_pem, mode=0o644)
    fingerprint = tlscert.fingerprint_of_pem(cert_pem)
    verb = "akan dibuat / would be" if target.dry_run and not keep else "CATAT / WRITE DOWN"
    target.say(f"  {verb}: sidik jari sertifikat / certificate fingerprint (SHA-256):")
    target.say(f"    {fingerprint}")
    target.say("  Kiosk: `provisioning kiosk --edge-url https://<alamat/address>:8443 --edge-fingerprint <ini/this>`")
    return not keep


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None


def has_admin(database: Path) -> bool:
    """Whether the edge database already has an admin (read-only; an absent or empty database has none)."""
    if not database.is_file():
        return False
    try:
        # read-write on purpose: a read-only connection to a WAL database leaves an empty -wal file behind,
        # and a second run must leave the data directory exactly as it was
        db = sqlite3.connect(database, timeout=10)
    except sqlite3.Error:
        return False
    try:
        row = db.execute("SELECT COUNT(*) FROM staff_user WHERE role = 'admin' OR username = ?",
                         (ADMIN,)).fetchone()
    except sqlite3.Error:
        return False
    finally:
        db.close()
    return bool(row and row[0])


def _edge_command(target: Target, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m edge_server ...`` from this installation, on the target's config and data folder."""
    env = dict(os.environ)
    project = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (project, env.get("PYTHONPATH", "")) if p)
    argv = [sys.executable, "-m", "edge_server", *args, "--config", str(target.path(CONFIG)),
            "--data-dir", str(target.path(DATA_DIR))]
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300, check=False)


def init_database(target: Target) -> None:
    """Create the database (the edge server's own migrations) with the first admin, once.

    The admin's password is printed once, here and nowhere else; a re-run never makes a second admin.
    """
    database = target.path(DATA_DIR) / "edge.sqlite3"
    if has_admin(database):
        target.say(f"  sudah benar / already right: database {DATA_DIR}/edge.sqlite3 dengan admin / with an admin")
        target.unchanged += 1
        return
    if target.dry_run:
        target.say(f"  akan dibuat / would create: database {DATA_DIR}/edge.sqlite3 and staff user {ADMIN}")
        target.changed += 1
        return
    result = _edge_command(target, "users", "add", ADMIN, "--role", "admin")
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or [f"exit {result.returncode}"])[-1]
        raise ProvisioningError(f"database tidak bisa dibuat / could not create the database: {detail}")
    password = result.stdout.rsplit(":", 1)[-1].strip()
    target.changed += 1
    target.say(f"  dibuat / created: database {DATA_DIR}/edge.sqlite3 and staff user {ADMIN}")
    target.say("")
    target.say("  ==== CATAT SEKARANG / WRITE THIS DOWN NOW ====")
    target.say(f"  Pengguna / user: {ADMIN}")
    target.say(f"  Kata sandi / password (hanya ditampilkan sekali / shown only once): {password}")
    target.say("  Lupa? / Forgot it?  python -m edge_server users reset-password admin")
    target.say("")


def provision_edge(target: Target, opts: EdgeOptions) -> None:
    """Everything `provisioning edge` does; safe to run again. :raises ProvisioningError: on a problem."""
    opts = check_options(opts)
    require_root(target)
    existing = read_table(target.path(CONFIG), "edge")
    target.say(f"Server edge untuk Desa {opts.village_name} ({opts.village_code}) / edge server for this village")
    target.ensure_user(EDGE_USER, home=DATA_DIR)
    target.ensure_dir("/etc/anjungan")
    target.ensure_dir("/var/lib/anjungan")
    target.ensure_dir(DATA_DIR, mode=0o750, owner=EDGE_USER, group=EDGE_USER)
    certificate_changed = ensure_certificate(target, opts) if opts.tls else False
    values = edge_config(existing, opts, target)
    target.say(f"  alamat untuk kode QR / address in QR codes (public_url): {values['public_url']}")
    config_changed = target.write_file(CONFIG, render(values, HEADER), mode=0o640, owner="root", group=EDGE_USER)
    init_database(target)
    target.run(["chown", "-R", f"{EDGE_USER}:{EDGE_USER}", DATA_DIR], needed=target.live)
    install_unit(target, UNIT, restart=config_changed or certificate_changed)
    target.write_plan("edge")
