"""`provisioning display` into a temporary --root: the board's unit, its Chromium flags and the edge certificate
it trusts; the unit passes `systemd-analyze`; real Chromium loads the board over HTTPS with exactly those flags."""
from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from provisioning import tlscert
from provisioning.units import unit_text
from tests.e2e.test_tls_serve import TlsEdge
from tests.provisioning.conftest import run_provisioning, snapshot
from tests.tools import requires

UNIT = "anjungan-display.service"
REQUIRED_FLAGS = ("--kiosk", "--autoplay-policy=no-user-gesture-required", "--noerrdialogs",
                  "--disable-session-crashed-bubble", "--disable-infobars", "--check-for-update-interval=31536000")
analyze = requires("systemd-analyze")


def env_values(root: Path) -> dict[str, str]:
    lines = (root / "etc/anjungan/display.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


@pytest.fixture(scope="module")
def tls_edge(tmp_path_factory):
    server = TlsEdge(tmp_path_factory.mktemp("edge"), tmp_path_factory.mktemp("tls")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def board_root(tls_edge, tmp_path_factory):
    root = tmp_path_factory.mktemp("display-root")
    (root / "boot/firmware").mkdir(parents=True)
    (root / "boot/firmware/cmdline.txt").write_text("console=tty1 root=PARTUUID=1234-02 rootwait\n")
    first = run_provisioning("display", "--edge-url", tls_edge.https_url, "--edge-fingerprint",
                             tls_edge.fingerprint, "--root", str(root))
    assert first.returncode == 0, first.stderr
    return root, first


def test_board_opens_the_edge_display_full_screen_with_sound_and_trusts_only_the_edge_key(board_root, tls_edge):
    root, _ = board_root
    values = env_values(root)
    assert values["BOARD_URL"] == tls_edge.https_url + "/display"
    flags = shlex.split(values["CHROMIUM_FLAGS"])
    for flag in REQUIRED_FLAGS:
        assert flag in flags
    port = int(tls_edge.https_url.rsplit(":", 1)[1])
    spki = tlscert.spki_hash(tlscert.fetch_certificate("127.0.0.1", port))
    pinned = [f for f in flags if f.startswith("--ignore-certificate-errors-spki-list=")]
    assert pinned == [f"--ignore-certificate-errors-spki-list={spki}"]
    assert any(f.startswith("--user-data-dir=") for f in flags)  # Chromium honours the SPKI list only with it
    assert "--ignore-certificate-errors" not in flags  # never trust every certificate
    assert (values["EDGE_HOST"], values["EDGE_PORT"]) == ("127.0.0.1", tls_edge.https_url.rsplit(":", 1)[1])


def test_board_unit_user_packages_and_screen_in_the_plan(board_root):
    root, _ = board_root
    unit = (root / "etc/systemd/system" / UNIT).read_text()
    assert "ExecStart=/usr/bin/cage" in unit and "Restart=always" in unit
    assert (root / "etc/systemd/system/multi-user.target.wants" / UNIT).is_symlink()
    assert str((root / "etc/systemd/system/getty@tty1.service").readlink()) == "/dev/null"
    plan = json.loads((root / "var/lib/anjungan/provisioning/display-plan.json").read_text())
    user = plan["users"][0]
    assert user["name"] == "anjungan-display" and {"video", "render", "input", "audio"} <= set(user["groups"])
    assert ["apt-get", "install", "-y", "--no-install-recommends", "cage", "chromium", "xwayland"] in plan["commands"]
    assert ["systemctl", "enable", "--now", UNIT] in plan["commands"]
    assert "consoleblank=0" in (root / "boot/firmware/cmdline.txt").read_text().split()


def test_a_second_run_changes_nothing(board_root, tls_edge):
    root, _ = board_root
    before = snapshot(root)
    again = run_provisioning("display", "--edge-url", tls_edge.https_url, "--root", str(root))
    assert again.returncode == 0, again.stderr
    assert snapshot(root) == before
    assert "0 diubah" in again.stdout


def test_another_certificate_stops_before_anything_is_written(tls_edge, tmp_path):
    other = tlscert.fingerprint_of_pem(tlscert.make_certificate("palsu", [])[1])
    result = run_provisioning("display", "--edge-url", tls_edge.https_url, "--edge-fingerprint", other,
                              "--root", str(tmp_path / "root"))
    assert result.returncode == 1
    assert "does NOT match" in result.stderr
    assert not (tmp_path / "root").exists()


def test_an_edge_without_tls_gets_a_plain_http_board(edge, tmp_path):
    result = run_provisioning("display", "--edge-url", edge.url, "--root", str(tmp_path))
    assert result.returncode == 0, result.stderr
    values = env_values(tmp_path)
    assert values["BOARD_URL"] == edge.url + "/display"
    assert "spki" not in values["CHROMIUM_FLAGS"]


def test_dry_run_writes_nothing(tls_edge, tmp_path):
    result = run_provisioning("display", "--edge-url", tls_edge.https_url, "--root", str(tmp_path / "r"),
                              "--dry-run")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "r").exists()


@pytest.mark.browser
@requires("chromium")
def test_chromium_with_the_board_flags_loads_the_board_over_https_and_without_them_does_not(board_root, tls_edge,
                                                                                            tmp_path):
    root, _ = board_root
    flags = shlex.split(env_values(root)["CHROMIUM_FLAGS"])
    pinned = next(f for f in flags if f.startswith("--ignore-certificate-errors-spki-list="))

    def dump(*extra: str) -> str:
        profile = tmp_path / f"profile{len(extra)}"
        result = subprocess.run(["chromium", "--headless", "--no-sandbox", f"--user-data-dir={profile}", *extra,
                                 "--dump-dom", tls_edge.https_url + "/display"],
                                capture_output=True, text=True, timeout=90)
        return result.stdout

    assert "Papan Antrian" in dump(pinned)
    assert "Papan Antrian" not in dump()


# ----- the unit file ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def installed_unit(tmp_path_factory) -> Path:
    """The unit as installed; where cage is not installed (a CI machine), an executable stands in for it."""
    folder = tmp_path_factory.mktemp("units")
    text = unit_text(UNIT, python=sys.executable)
    if not Path("/usr/bin/cage").exists():
        stand_in = folder / "cage"
        stand_in.write_text("#!/bin/sh\n")
        stand_in.chmod(0o755)
        text = text.replace("/usr/bin/cage", str(stand_in))
    (folder / UNIT).write_text(text)
    return folder / UNIT


@analyze
def test_display_unit_passes_systemd_analyze_verify(installed_unit):
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", str(installed_unit)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert UNIT not in result.stderr, result.stderr


@analyze
def test_display_unit_is_hardened(installed_unit):
    result = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(installed_unit)],
                            capture_output=True, text=True, timeout=60)
    match = re.search(r"Overall exposure level for \S+: ([\d.]+)", result.stdout)
    assert match, result.stdout + result.stderr
    print(f"anjungan-display.service exposure: {match.group(1)}")
    assert float(match.group(1)) <= 3.0, result.stdout
