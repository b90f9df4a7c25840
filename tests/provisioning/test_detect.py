"""`provisioning detect` on fake sysfs and /dev trees: what a technician sees for each kind of device."""
from __future__ import annotations

import json
import os
import socket
from pathlib import Path

from provisioning import detect
from tests.provisioning.conftest import run_provisioning


def usb_device(sys_root: Path, name: str, vid: str, pid: str, product: str, interface_class: str = "ff") -> Path:
    folder = sys_root / "devices/platform/usb" / name
    folder.mkdir(parents=True)
    for key, value in (("idVendor", vid), ("idProduct", pid), ("product", product), ("manufacturer", "Maker")):
        (folder / key).write_text(value + "\n")
    interface = folder / f"{name}:1.0"
    interface.mkdir()
    (interface / "bInterfaceClass").write_text(interface_class + "\n")
    links = sys_root / "bus/usb/devices"
    links.mkdir(parents=True, exist_ok=True)
    (links / name).symlink_to(folder)
    (links / f"{name}:1.0").symlink_to(interface)
    return interface


def input_device(sys_root: Path, dev_root: Path, event: str, name: str, vid: str, pid: str, by_id: str | None,
                 mouse: bool = False) -> None:
    folder = sys_root / "devices/virtual/input" / f"input-{event}"
    (folder / "capabilities").mkdir(parents=True)
    (folder / "id").mkdir()
    (folder / "name").write_text(name + "\n")
    (folder / "id/vendor").write_text(vid + "\n")
    (folder / "id/product").write_text(pid + "\n")
    (folder / "capabilities/ev").write_text("120013\n" if not mouse else "17\n")  # EV_KEY (+EV_REL for a mouse)
    keys = (1 << 28) | sum(1 << k for k in range(2, 12))  # Enter and 1..0
    (folder / "capabilities/key").write_text(f"1000000000007 ff800000000007ff febeffdff3cfffff {keys:x}\n")
    event_dir = sys_root / "class/input" / event
    event_dir.mkdir(parents=True)
    (event_dir / "device").symlink_to(folder)
    if by_id:
        (dev_root / "input/by-id").mkdir(parents=True, exist_ok=True)
        (dev_root / "input/by-id" / by_id).symlink_to(f"../{event}")


def fake_machine(tmp_path: Path) -> tuple[Path, Path]:
    sys_root, dev_root = tmp_path / "sys", tmp_path / "dev"
    usb_device(sys_root, "1-1.2", "0416", "5011", "POS58 Printer", interface_class="07")
    usb_device(sys_root, "1-1.4", "1234", "abcd", "Thermal Printer X", interface_class="07")
    serial_interface = usb_device(sys_root, "1-1.3", "1a86", "7523", "USB Serial")
    tty = sys_root / "class/tty/ttyUSB0"
    tty.mkdir(parents=True)
    (tty / "device").symlink_to(serial_interface)
    (sys_root / "class/tty/ttyS0").mkdir()
    input_device(sys_root, dev_root, "event3", "Honeywell Imaging Barcode Scanner", "0c2e", "0b61",
                 "usb-Honeywell_Imaging-event-kbd")
    input_device(sys_root, dev_root, "event4", "Sycreader RFID Technology USB Reader", "ffff", "0035", None)
    input_device(sys_root, dev_root, "event5", "Logitech USB Keyboard", "046d", "c31c", "usb-Logitech-event-kbd")
    input_device(sys_root, dev_root, "event6", "Logitech Mouse", "046d", "c077", None, mouse=True)
    return sys_root, dev_root


def test_finds_printers_scanners_and_readers_with_their_urls(tmp_path):
    found = {f.use: f for f in detect.detect(*fake_machine(tmp_path))}
    assert found["usb://0416:5011?profile=POS-5890"].kind == "printer"
    assert "POS-58" in found["usb://0416:5011?profile=POS-5890"].name
    assert found["usb://1234:abcd"].kind == "printer" and "tidak dikenal" in found["usb://1234:abcd"].note
    assert found["evdev:/dev/input/by-id/usb-Honeywell_Imaging-event-kbd"].kind == "scanner"
    assert found["evdev:ffff:0035"].kind == "rfid"
    assert found["evdev:/dev/input/by-id/usb-Logitech-event-kbd"].kind == "keyboard"
    assert found["serial:///dev/ttyUSB0?baudrate=9600"].name == "CH340 USB-serial"
    assert not any("c077" in f.where for f in found.values())  # a mouse is no scanner
    assert not any("ttyS0" in f.where for f in found.values())


def test_scanner_ids_for_udev_rules(tmp_path):
    sys_root, dev_root = fake_machine(tmp_path)
    assert detect.scanner_usb_ids("evdev:/dev/input/by-id/usb-Honeywell_Imaging-event-kbd", sys_root,
                                  dev_root) == "0c2e:0b61"
    assert detect.scanner_usb_ids("evdev:C2E:B61", sys_root, dev_root) == "0c2e:0b61"
    assert detect.scanner_usb_ids("keyboard", sys_root, dev_root) is None


def test_cli_prints_a_table_and_json(tmp_path):
    sys_root, dev_root = fake_machine(tmp_path)
    table = run_provisioning("detect", "--sys-root", str(sys_root), "--dev-root", str(dev_root))
    assert table.returncode == 0
    assert "--printer 'usb://0416:5011?profile=POS-5890'" in table.stdout
    assert "--scanner 'evdev:/dev/input/by-id/usb-Honeywell_Imaging-event-kbd'" in table.stdout
    as_json = run_provisioning("detect", "--json", "--sys-root", str(sys_root), "--dev-root", str(dev_root))
    assert any(d["use"] == "evdev:ffff:0035" and d["kind"] == "rfid" for d in json.loads(as_json.stdout))


def test_nothing_plugged_in_says_what_to_check(tmp_path):
    result = run_provisioning("detect", "--sys-root", str(tmp_path), "--dev-root", str(tmp_path))
    assert result.returncode == 0 and "Periksa kabel USB" in result.stdout


def test_network_printer_reachable_or_not(tmp_path):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        found = detect.network_printer(f"127.0.0.1:{port}")
    assert found.use == f"tcp://127.0.0.1:{port}" and found.note == "terjangkau / reachable"
    assert "TIDAK TERJANGKAU" in detect.network_printer("127.0.0.1:9", timeout=1).note
    assert os.path.basename(detect.network_printer("192.0.2.1", timeout=0.2).use) == "192.0.2.1:9100"
