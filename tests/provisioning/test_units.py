"""The systemd units: `systemd-analyze verify`, exposure from `security --offline=yes`, and the promises the
technician relies on (restart, watchdog, network, user, state folder, device access)."""
from __future__ import annotations

import configparser
import re
import subprocess
import sys
from pathlib import Path

import pytest

from provisioning.units import UNIT_PYTHON, unit_text, wanted_by
from tests.tools import requires

UNITS = Path(__file__).resolve().parents[2] / "systemd"
NAMES = ("anjungan-edge.service", "anjungan-kiosk.service", "anjungan-district.service")
analyze = requires("systemd-analyze")


def parse(name: str) -> dict[str, dict[str, list[str]]]:
    """Every key of a unit with all its values (systemd allows a key more than once)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = ""
    for line in (UNITS / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = line.strip("[]")
            sections[current] = {}
            continue
        key, _, value = line.partition("=")
        sections[current].setdefault(key, []).append(value)
    return sections


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The units as provisioning installs them: ExecStart names this interpreter, which exists."""
    folder = tmp_path_factory.mktemp("units")
    for name in NAMES:
        text = unit_text(name, python=sys.executable)
        assert UNIT_PYTHON not in text
        (folder / name).write_text(text)
    return folder


@analyze
@pytest.mark.parametrize("name", NAMES)
def test_units_pass_systemd_analyze_verify(installed, name):
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", str(installed / name)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert name not in result.stderr, result.stderr  # no warnings about our unit either


@analyze
@pytest.mark.parametrize("name", ["anjungan-edge.service", "anjungan-district.service"])
def test_server_units_have_low_exposure(installed, name):
    result = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(installed / name)],
                            capture_output=True, text=True, timeout=60)
    match = re.search(r"Overall exposure level for \S+: ([\d.]+)", result.stdout)
    assert match, result.stdout + result.stderr
    assert float(match.group(1)) <= 3.0, result.stdout


@analyze
def test_kiosk_unit_is_hardened_too(installed):
    result = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(installed / "anjungan-kiosk.service")],
                            capture_output=True, text=True, timeout=60)
    assert float(re.search(r"Overall exposure level for \S+: ([\d.]+)", result.stdout).group(1)) <= 4.0


@pytest.mark.parametrize("name", NAMES)
def test_units_restart_notify_and_run_as_their_own_user(name):
    unit = parse(name)
    service, section = unit["Service"], unit["Unit"]
    assert service["Type"] == ["notify"] and service["WatchdogSec"]
    assert service["Restart"] == ["always"]
    assert section["StartLimitIntervalSec"] and section["StartLimitBurst"]
    assert "network-online.target" in " ".join(section["Wants"])
    assert "network-online.target" in " ".join(section["After"])
    role = name.split("-")[1].split(".")[0]
    assert service["User"] == [f"anjungan-{role}"]
    assert service["StateDirectory"] == [f"anjungan/{role}"]
    for key, value in (("ProtectSystem", "strict"), ("ProtectHome", "yes"), ("PrivateTmp", "yes"),
                       ("NoNewPrivileges", "yes"), ("DevicePolicy", "closed")):
        assert service[key] == [value], key
    assert "AF_PACKET" not in service["RestrictAddressFamilies"][0]
    assert wanted_by((UNITS / name).read_text()) == ["multi-user.target"]


def test_device_units_name_their_devices_instead_of_hiding_them():
    kiosk = parse("anjungan-kiosk.service")["Service"]
    assert "PrivateDevices" not in kiosk
    allowed = " ".join(kiosk["DeviceAllow"])
    for device in ("char-drm", "char-input", "char-usb_device", "char-usbmisc", "char-ttyUSB", "char-ttyACM"):
        assert device in allowed
    assert "SDL_VIDEODRIVER=kmsdrm" in " ".join(kiosk["Environment"])
    edge = parse("anjungan-edge.service")["Service"]
    assert "char-usbmisc rw" in edge["DeviceAllow"]
    assert parse("anjungan-district.service")["Service"]["PrivateDevices"] == ["yes"]


def test_unit_files_parse_as_ini():
    for name in NAMES:
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.optionxform = str  # keep systemd's CamelCase keys
        unit.read_string((UNITS / name).read_text())
        assert unit.get("Service", "Type") == "notify", name
        assert unit.get("Service", "ExecStart").startswith("/opt/anjungan/current/bin/python -m "), name
        assert unit.get("Install", "WantedBy"), name
