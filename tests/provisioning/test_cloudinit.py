"""`provisioning cloud-init`: user-data passes `cloud-init schema`, network-config is valid v2, and the first
boot runs the right provisioning command."""
from __future__ import annotations

import json
import shlex
import subprocess

import pytest
import yaml

from tests.provisioning.conftest import run_provisioning
from tests.tools import requires

cloud_init = requires("cloud-init")
KIOSK = ("--role", "kiosk", "--edge-url", "http://192.168.1.10:8080", "--pairing-code", "654321",
         "--printer", "usb://0416:5011", "--scanner", "evdev:auto", "--rotation", "90",
         "--wifi-ssid", "Balai Desa Mojowarno", "--wifi-password", "rahasia-wifi", "--overlay")
DISPLAY = ("--role", "display", "--edge-url", "https://192.168.1.10:8443", "--edge-fingerprint", "ab" * 32,
           "--wifi-ssid", "Balai Desa Mojowarno", "--wifi-password", "rahasia-wifi")
EDGE = ("--role", "edge", "--village-code", "33.17.09.2016", "--village-name", "Mojowarno",
        "--district-url", "https://hub.rembangkab.go.id", "--district-secret", "rahasia desa")


@pytest.fixture(scope="module")
def ssh_key(tmp_path_factory):
    path = tmp_path_factory.mktemp("key") / "id_ed25519.pub"
    path.write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDoXE+Ew25wCEJxY6KN+KEWONCugMaIbQPCQFIWCsZbD teknisi@laptop\n")
    return path


def generate(tmp_path, *args):
    out = tmp_path / "bootfs"
    result = run_provisioning("cloud-init", "--out", str(out), *args)
    assert result.returncode == 0, result.stderr
    return out


def firstboot(user_data: dict) -> str:
    return next(f["content"] for f in user_data["write_files"] if f["path"] == "/usr/local/sbin/anjungan-firstboot")


def provisioning_line(script: str) -> list[str]:
    line = next(line for line in script.splitlines() if line.startswith('"$VENV/bin/python" -m provisioning'))
    return shlex.split(line)


def test_kiosk_card_joins_wifi_installs_and_pairs_at_first_boot(tmp_path, ssh_key):
    out = generate(tmp_path, *KIOSK, "--ssh-key", str(ssh_key))
    text = (out / "user-data").read_text()
    assert text.startswith("#cloud-config\n")
    data = yaml.safe_load(text)
    assert data["users"][0]["ssh_authorized_keys"][0].startswith("ssh-ed25519 ")
    assert data["users"][0]["lock_passwd"] is True and data["ssh_pwauth"] is False
    assert "python3-venv" in data["packages"] and "libmtdev1" in data["packages"]
    assert ["/usr/local/sbin/anjungan-firstboot"] in data["runcmd"]
    script = firstboot(data)
    assert '-e "$APP[kiosk]"' in script
    argv = provisioning_line(script)
    assert argv[argv.index("--pairing-code") + 1] == "654321"
    assert argv[argv.index("--edge-url") + 1] == "http://192.168.1.10:8080"
    assert "--overlay" in argv and "--wait" in argv
    network = yaml.safe_load((out / "network-config").read_text())["network"]
    assert network["version"] == 2
    wifi = network["wifis"]["wlan0"]
    assert wifi["access-points"]["Balai Desa Mojowarno"]["password"] == "rahasia-wifi"
    assert wifi["regulatory-domain"] == "ID"
    meta = yaml.safe_load((out / "meta-data").read_text())
    assert meta["instance-id"].startswith("anjungan-kiosk-") and meta["local-hostname"] == "anjungan-kiosk"


def test_edge_card_runs_provisioning_edge(tmp_path):
    out = generate(tmp_path, *EDGE)
    data = yaml.safe_load((out / "user-data").read_text())
    argv = provisioning_line(firstboot(data))
    assert argv[argv.index("edge") + 1:argv.index("edge") + 5] == ["--village-code", "33.17.09.2016",
                                                                 "--village-name", "Mojowarno"]
    assert argv[argv.index("--district-secret") + 1] == "rahasia desa"
    assert "espeak-ng" in data["packages"]
    assert "wifis" not in yaml.safe_load((out / "network-config").read_text())["network"]


def test_display_card_runs_provisioning_display(tmp_path):
    out = generate(tmp_path, *DISPLAY)
    data = yaml.safe_load((out / "user-data").read_text())
    argv = provisioning_line(firstboot(data))
    assert argv[argv.index("display"):] == ["display", "--edge-url", "https://192.168.1.10:8443",
                                            "--edge-fingerprint", "ab" * 32]
    assert {"cage", "chromium"} <= set(data["packages"])
    assert data["hostname"] == "anjungan-display"


def test_firstboot_script_is_valid_bash(tmp_path):
    data = yaml.safe_load((generate(tmp_path, *EDGE) / "user-data").read_text())
    script = tmp_path / "firstboot.sh"
    script.write_text(firstboot(data))
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True, timeout=30).returncode == 0


def test_local_source_archive_is_copied_onto_the_card(tmp_path):
    archive = tmp_path / "anjungan.tar.gz"
    archive.write_bytes(b"\x1f\x8b fake")
    out = generate(tmp_path, *EDGE, "--source", str(archive))
    assert (out / "anjungan/anjungan.tar.gz").read_bytes() == archive.read_bytes()
    script = firstboot(yaml.safe_load((out / "user-data").read_text()))
    assert "tar -xzf /boot/firmware/anjungan/anjungan.tar.gz" in script


@cloud_init
@pytest.mark.parametrize("args", [KIOSK, EDGE, DISPLAY], ids=["kiosk", "edge", "display"])
def test_user_data_passes_cloud_init_schema(tmp_path, ssh_key, args):
    out = generate(tmp_path, *args, "--ssh-key", str(ssh_key))
    result = subprocess.run(["cloud-init", "schema", "--config-file", str(out / "user-data")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Valid" in result.stdout


@cloud_init
def test_network_config_is_valid_v2(tmp_path):
    out = generate(tmp_path, *KIOSK)
    help_text = subprocess.run(["cloud-init", "schema", "--help"], capture_output=True, text=True).stdout
    if "--schema-type" in help_text:  # cloud-init 23.4+ validates network-config itself
        result = subprocess.run(["cloud-init", "schema", "--schema-type", "network-config", "--config-file",
                                 str(out / "network-config")], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        return
    # Older cloud-init (Debian 12: 22.4): parse it with cloud-init's own network-state parser, strictly.
    program = ("import json, sys, yaml; from cloudinit.net.network_state import parse_net_config_data; "
               "cfg = yaml.safe_load(open(sys.argv[1]))['network']; "
               "state = parse_net_config_data(cfg, skip_broken=False); "
               "print(json.dumps([i['name'] for i in state.iter_interfaces()]))")
    result = subprocess.run(["/usr/bin/python3", "-c", program, str(out / "network-config")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "eth0" in json.loads(result.stdout)


@pytest.mark.parametrize("args, words", [
    (("--role", "edge", "--village-name", "X"), "--village-code"),
    (("--role", "kiosk", "--edge-url", "http://e:8080"), "--pairing-code"),
    ((*KIOSK[:6], "--wifi-password", "short", "--wifi-ssid", "x"), "8"),
    ((*EDGE[:6], "--source", "ftp://nowhere"), "--source"),
])
def test_bad_flags_say_why_and_write_nothing(tmp_path, args, words):
    result = run_provisioning("cloud-init", "--out", str(tmp_path / "bootfs"), *args)
    assert result.returncode == 1 and words in result.stderr
    assert not (tmp_path / "bootfs").exists() or not any((tmp_path / "bootfs").iterdir())
