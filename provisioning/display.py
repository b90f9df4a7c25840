"""`python -m provisioning display`: turn a Raspberry Pi on the hall's TV into the queue board.

Chromium in kiosk mode under cage (a Wayland kiosk compositor) shows the edge server's ``/display`` page full
screen, plays the calls without a click, never blanks the screen and comes back after a crash
(systemd/anjungan-display.service). An edge server on HTTPS has a self-signed certificate: the board trusts
exactly that certificate's public key (``--ignore-certificate-errors-spki-list``), learnt from the edge (checked
against ``--edge-fingerprint`` when given) or from ``--edge-cert FILE`` (the ``/cert.crt`` download).
"""

from __future__ import annotations

import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import requests

from provisioning import tlscert
from provisioning.target import ProvisioningError, Target
from provisioning.units import install_unit, mask_unit, require_root

DISPLAY_USER = "anjungan-display"
STATE_DIR = "/var/lib/anjungan/display"
ENV_FILE = "/etc/anjungan/display.env"
UNIT = "anjungan-display.service"
GROUPS = ("video", "render", "input", "audio")
PACKAGES = ("cage", "chromium", "xwayland")  # cage 0.1.4 (Debian 12) will not start without Xwayland
CHROMIUM_FLAGS = (
    "--kiosk", "--noerrdialogs", "--disable-session-crashed-bubble", "--disable-infobars",
    "--check-for-update-interval=31536000", "--autoplay-policy=no-user-gesture-required",
    "--ozone-platform=wayland", "--no-first-run", "--incognito", "--disable-translate",
    "--disable-features=Translate,MediaRouter", "--disable-pinch", "--overscroll-history-navigation=0",
    "--password-store=basic", f"--user-data-dir={STATE_DIR}/chromium",
)


@dataclass(frozen=True)
class DisplayOptions:
    edge_url: str
    edge_fingerprint: str | None = None
    edge_cert: str | None = None


@dataclass(frozen=True)
class BoardTarget:
    """Where the board points and how it trusts the edge."""

    url: str  # the /display page
    host: str
    port: int
    spki: str = ""  # base64 SHA-256 of the certificate's public key; "" for plain HTTP
    fingerprint: str = ""


def check_options(opts: DisplayOptions) -> None:
    url = urlparse(opts.edge_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ProvisioningError(f"--edge-url: harus seperti / must look like https://192.168.1.10:8443, "
                                f"not {opts.edge_url!r}")
    if opts.edge_fingerprint:
        tlscert.edge_fingerprint_option(opts.edge_fingerprint)
    if opts.edge_cert and not Path(opts.edge_cert).is_file():
        raise ProvisioningError(f"--edge-cert: berkas tidak ada / file not found: {opts.edge_cert}")


def _https_redirect(edge_url: str) -> str | None:
    """An edge with TLS redirects LAN requests on plain HTTP: the https base URL it names, else None."""
    try:
        answer = requests.get(edge_url.rstrip("/") + "/display", allow_redirects=False, timeout=5)
    except requests.RequestException:
        return None
    location = answer.headers.get("Location", "")
    if answer.status_code in (301, 302, 307, 308) and location.startswith("https://"):
        parsed = urlparse(location)
        return f"https://{parsed.netloc}"
    return None


def resolve_board(target: Target, opts: DisplayOptions) -> BoardTarget:
    """The board's URL and the certificate it trusts.

    :raises ProvisioningError: when the edge presents a certificate other than ``--edge-fingerprint``.
    """
    base = opts.edge_url.rstrip("/").removesuffix("/display")
    if urlparse(base).scheme == "http" and not opts.edge_cert:
        upgraded = _https_redirect(base)
        if upgraded:
            target.say(f"  server edge memakai HTTPS / the edge server uses HTTPS: {upgraded}")
            base = upgraded
    url = urlparse(base)
    port = url.port or (443 if url.scheme == "https" else 80)
    if url.scheme == "http":
        target.say("  peringatan / warning: papan memakai HTTP biasa (server edge tanpa TLS) / the board uses "
                   "plain HTTP (the edge server has no TLS)")
        return BoardTarget(f"{base}/display", url.hostname or "", port)
    if opts.edge_cert:
        pem = Path(opts.edge_cert).read_text()
    else:
        pem = tlscert.fetch_certificate(url.hostname or "", port)
    fingerprint = tlscert.fingerprint_of_pem(pem)
    if opts.edge_fingerprint and fingerprint != tlscert.edge_fingerprint_option(opts.edge_fingerprint):
        raise ProvisioningError(f"sertifikat server edge TIDAK cocok / the edge server's certificate does NOT "
                                f"match --edge-fingerprint: it presents {fingerprint}")
    if not opts.edge_fingerprint:
        target.say(f"  sidik jari sertifikat / certificate fingerprint: {fingerprint}")
        target.say("  cocokkan dengan yang dicetak `provisioning edge` / compare it with the one "
                   "`provisioning edge` printed")
    return BoardTarget(f"{base}/display", url.hostname or "", port, tlscert.spki_hash(pem), fingerprint)


def chromium_flags(board: BoardTarget) -> list[str]:
    flags = list(CHROMIUM_FLAGS)
    if board.spki:
        # Trust exactly the edge's key (works only with --user-data-dir, which is set above).
        flags.append(f"--ignore-certificate-errors-spki-list={board.spki}")
    return flags


def env_file(board: BoardTarget) -> str:
    """/etc/anjungan/display.env: read by systemd (no shell), one KEY=value per line."""
    lines = [
        "# Anjungan Desa queue board, written by `python -m provisioning display`. Run it again to change it.",
        f"# Edge certificate SHA-256: {board.fingerprint or '(none: plain HTTP)'}",
        f"BOARD_URL={board.url}",
        f"EDGE_HOST={board.host}",
        f"EDGE_PORT={board.port}",
        f"CHROMIUM_FLAGS={shlex.join(chromium_flags(board))}",
    ]
    return "\n".join(lines) + "\n"


def no_console_blanking(target: Target) -> None:
    """The screen never blanks: ``consoleblank=0`` on the kernel command line (cage itself runs no idle timer)."""
    for cmdline in ("/boot/firmware/cmdline.txt", "/boot/cmdline.txt"):
        path = target.path(cmdline)
        if path.is_file():
            words = path.read_text().split()
            if "consoleblank=0" not in words:
                words = [w for w in words if not w.startswith("consoleblank=")] + ["consoleblank=0"]
            target.write_file(cmdline, " ".join(words) + "\n", mode=path.stat().st_mode & 0o7777)
            return
    target.say("  catatan / note: cmdline.txt tidak ada (bukan Raspberry Pi OS?); tambahkan consoleblank=0 sendiri / "
               "not found (not Raspberry Pi OS?): add consoleblank=0 to the kernel command line yourself")


def _missing_packages(target: Target) -> list[str]:
    if not target.is_host:
        return list(PACKAGES)  # recorded in the plan for the target system
    programs = {"cage": "cage", "chromium": "chromium", "xwayland": "Xwayland"}
    return [p for p in PACKAGES if not shutil.which(programs[p], path="/usr/bin:/bin")]


def provision_display(target: Target, opts: DisplayOptions) -> None:
    """Everything `provisioning display` does; safe to run again. :raises ProvisioningError: on a problem."""
    check_options(opts)
    require_root(target)
    target.say(f"Papan antrean untuk / queue board for {opts.edge_url}")
    board = resolve_board(target, opts)  # before any write: a wrong certificate leaves the machine as it was
    missing = _missing_packages(target)
    target.run(["apt-get", "install", "-y", "--no-install-recommends", *missing], needed=bool(missing))
    target.ensure_user(DISPLAY_USER, home=STATE_DIR, groups=GROUPS)
    target.ensure_dir("/etc/anjungan")
    target.ensure_dir("/var/lib/anjungan")
    target.ensure_dir(STATE_DIR, mode=0o750, owner=DISPLAY_USER, group=DISPLAY_USER)
    changed = target.write_file(ENV_FILE, env_file(board), mode=0o644)
    no_console_blanking(target)
    mask_unit(target, "getty@tty1.service")
    install_unit(target, UNIT, restart=changed)
    target.write_plan("display")
