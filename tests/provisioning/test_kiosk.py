"""`provisioning kiosk` against a real demo edge server: a wrong code writes nothing; the right one gives a kiosk
whose token works; a second run does not pair again and changes nothing."""
from __future__ import annotations

import json
import tomllib

import pytest
import requests

from tests.provisioning.conftest import run_provisioning, snapshot


def kiosk_args(edge, code: str, root) -> tuple[str, ...]:
    return ("kiosk", "--edge-url", edge.url, "--pairing-code", code, "--printer", "usb://0416:5011?profile=POS-5890",
            "--scanner", "evdev:0c2e:0b61", "--rotation", "90", "--name", "Kiosk Lobi", "--root", str(root))


@pytest.fixture(scope="module")
def kiosk_root(edge, tmp_path_factory):
    root = tmp_path_factory.mktemp("kiosk-root")
    first = run_provisioning(*kiosk_args(edge, "123456", root))
    assert first.returncode == 0, first.stderr
    return root, first


def test_wrong_pairing_code_says_so_and_writes_nothing(edge, tmp_path):
    result = run_provisioning(*kiosk_args(edge, "000000", tmp_path / "root"))
    assert result.returncode == 1
    assert "Kode pemasangan salah" in result.stderr and "pairing code is wrong" in result.stderr
    assert not (tmp_path / "root").exists()


def test_unreachable_edge_says_so_and_writes_nothing(tmp_path):
    result = run_provisioning("kiosk", "--edge-url", "http://127.0.0.1:9", "--pairing-code", "123456",
                              "--root", str(tmp_path / "root"))
    assert result.returncode == 1
    assert "tidak terjangkau / edge server not reachable" in result.stderr
    assert not (tmp_path / "root").exists()


def test_writes_a_secret_config_with_a_working_token(edge, kiosk_root):
    root, first = kiosk_root
    config = root / "etc/anjungan/kiosk.toml"
    assert config.stat().st_mode & 0o777 == 0o600
    values = tomllib.loads(config.read_text())
    assert values["edge_url"] == edge.url
    assert values["printer"] == "usb://0416:5011?profile=POS-5890"
    assert values["scanner"] == "evdev:0c2e:0b61"
    assert values["paper_width"] == 58 and values["rotation"] == 90 and values["language"] == "id"
    answer = requests.get(f"{edge.url}/api/v1/services", timeout=10,
                          headers={"Authorization": f"Bearer {values['token']}"})
    assert answer.status_code == 200
    assert values["token"] not in first.stdout + first.stderr


def test_the_kiosk_app_reads_the_config(kiosk_root):
    from kiosk.config import load_file

    root, _ = kiosk_root
    config = load_file(str(root / "etc/anjungan/kiosk.toml"))
    assert config.rotation == 90 and config.name == "Kiosk Lobi" and config.token


def test_udev_rules_give_the_kiosk_user_its_printer_and_scanner(kiosk_root):
    root, _ = kiosk_root
    rules = (root / "etc/udev/rules.d/70-anjungan-kiosk.rules").read_text()
    assert 'ATTRS{idVendor}=="0416", ATTRS{idProduct}=="5011", MODE="0660", GROUP="anjungan-kiosk"' in rules
    assert 'ATTRS{idVendor}=="0c2e", ATTRS{idProduct}=="0b61"' in rules
    assert 'SYMLINK+="input/anjungan-scanner"' in rules


def test_kivy_runs_full_screen_rotated_with_one_touch_provider(kiosk_root):
    import configparser

    root, _ = kiosk_root
    path = root / "var/lib/anjungan/kiosk/kivy/config.ini"
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(path)
    assert ini["graphics"]["fullscreen"] == "auto" and ini["graphics"]["rotation"] == "90"
    assert dict(ini["input"]) == {"touch": "probesysfs,provider=hidinput"}


def test_user_groups_and_unit_are_planned_not_applied(kiosk_root):
    root, _ = kiosk_root
    plan = json.loads((root / "var/lib/anjungan/provisioning/kiosk-plan.json").read_text())
    user = plan["users"][0]
    assert user["name"] == "anjungan-kiosk"
    assert {"video", "render", "input", "dialout", "lp"} <= set(user["groups"])
    owners = {f["path"]: f for f in plan["files"]}
    assert owners["/etc/anjungan/kiosk.toml"] == {"path": "/etc/anjungan/kiosk.toml", "owner": "anjungan-kiosk",
                                                  "group": "anjungan-kiosk", "mode": "0600"}
    assert ["udevadm", "control", "--reload-rules"] in plan["commands"]
    assert (root / "etc/systemd/system/multi-user.target.wants/anjungan-kiosk.service").is_symlink()
    assert str((root / "etc/systemd/system/getty@tty1.service").readlink()) == "/dev/null"


def test_second_run_keeps_the_token_and_changes_nothing(edge, kiosk_root):
    root, _ = kiosk_root
    before = snapshot(root)
    # The code was used by the first run: a second pairing would fail, so success proves no pairing happened.
    second = run_provisioning(*kiosk_args(edge, "123456", root))
    assert second.returncode == 0, second.stderr
    assert "tidak dipasangkan ulang / device token still valid, not pairing again" in second.stdout
    assert snapshot(root) == before


def test_overlay_is_planned_when_asked(edge, kiosk_root, tmp_path):
    import shutil

    root = tmp_path / "root"
    shutil.copytree(kiosk_root[0], root, symlinks=True)
    result = run_provisioning(*kiosk_args(edge, "123456", root), "--overlay")
    assert result.returncode == 0, result.stderr
    plan = json.loads((root / "var/lib/anjungan/provisioning/kiosk-plan.json").read_text())
    assert ["raspi-config", "nonint", "enable_overlayfs"] in plan["commands"]


def test_overlay_already_on_is_recognised(tmp_path):
    from provisioning.kiosk import overlay_enabled
    from provisioning.target import Target

    cmdline = tmp_path / "boot/firmware/cmdline.txt"
    cmdline.parent.mkdir(parents=True)
    cmdline.write_text("console=tty1 root=PARTUUID=1 rootwait")
    assert not overlay_enabled(Target(tmp_path))
    cmdline.write_text("console=tty1 overlayroot=tmpfs root=PARTUUID=1 rootwait")
    assert overlay_enabled(Target(tmp_path))


def test_bad_printer_url_is_refused_before_pairing(edge, tmp_path):
    result = run_provisioning("kiosk", "--edge-url", edge.url, "--pairing-code", "123456", "--printer",
                              "usb://printer", "--root", str(tmp_path / "root"))
    assert result.returncode == 1 and "--printer" in result.stderr
    assert not (tmp_path / "root").exists()


def test_changing_the_printer_later_needs_no_new_code(edge, kiosk_root, tmp_path):
    import shutil

    root = tmp_path / "root"
    shutil.copytree(kiosk_root[0], root, symlinks=True)
    token = tomllib.loads((root / "etc/anjungan/kiosk.toml").read_text())["token"]
    result = run_provisioning("kiosk", "--edge-url", edge.url, "--printer", "tcp://192.168.1.50:9100",
                              "--root", str(root))
    assert result.returncode == 0, result.stderr
    values = tomllib.loads((root / "etc/anjungan/kiosk.toml").read_text())
    assert values["token"] == token and values["printer"] == "tcp://192.168.1.50:9100"
    assert values["paper_width"] == 80 and values["rotation"] == 90  # earlier choices kept
    assert "0416" not in (root / "etc/udev/rules.d/70-anjungan-kiosk.rules").read_text()


def test_no_code_and_no_token_asks_for_a_code(edge, tmp_path):
    result = run_provisioning("kiosk", "--edge-url", edge.url, "--root", str(tmp_path / "root"))
    assert result.returncode == 1 and "--pairing-code" in result.stderr
    assert not (tmp_path / "root").exists()
