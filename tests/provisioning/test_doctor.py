"""`provisioning doctor` against a healthy kiosk and edge, and against each thing that can go wrong."""
from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta

import pytest

from provisioning.doctor import FAIL, OK, WARN, backlog_check, check_disk
from tests.provisioning.conftest import run_provisioning


@pytest.fixture
def machine(tmp_path):
    """A root whose clock is synchronised (systemd-timesyncd's flag file), with both units installed and enabled."""
    flag = tmp_path / "root/run/systemd/timesync/synchronized"
    flag.parent.mkdir(parents=True)
    flag.touch()
    units = tmp_path / "root/etc/systemd/system"
    (units / "multi-user.target.wants").mkdir(parents=True)
    for unit in ("anjungan-edge.service", "anjungan-kiosk.service"):
        (units / unit).write_text("[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n")
        (units / "multi-user.target.wants" / unit).symlink_to(f"/etc/systemd/system/{unit}")
    return tmp_path / "root"


def write_kiosk(path, edge, **changes):
    values = {"edge_url": edge.url, "token": edge.demo["kiosk_token"], "printer": f"virtual://{path.parent}/paper",
              "scanner": "keyboard", **changes}
    path.write_text("".join(f'{key} = "{value}"\n' for key, value in values.items()))
    path.chmod(0o600)
    return path


def row(output: str, name: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(name))


def test_healthy_kiosk_passes_and_prints_a_test_page(edge, machine, tmp_path):
    config = write_kiosk(tmp_path / "kiosk.toml", edge)
    result = run_provisioning("doctor", "--config", str(config), "--root", str(machine), "--print-test")
    assert result.returncode == 0, result.stdout
    assert "Semua baik. / All good." in result.stdout
    for name in ("Server edge", "Token perangkat", "Printer", "Pemindai", "Jam", "Ruang disk", "Cetak uji"):
        assert f"  {OK}  " in row(result.stdout, name), row(result.stdout, name)
    assert (tmp_path / "paper/1.txt").read_text().count("HALAMAN UJI") == 1
    assert edge.demo["kiosk_token"] not in result.stdout


@pytest.mark.parametrize("changes, failing, words", [
    ({"token": "not-a-token"}, "Token perangkat", "pasangkan ulang"),
    ({"edge_url": "http://127.0.0.1:9"}, "Server edge", "tidak terjangkau"),
    ({"printer": "virtual://{dir}/paper?paper=out"}, "Printer", "kertas habis"),
    ({"printer": "virtual://{dir}/paper?offline=1"}, "Printer", "mati"),
    ({"scanner": "evdev:/dev/input/by-id/usb-Honeywell-event-kbd"}, "Pemindai", "tidak ditemukan"),
    ({"scanner": "evdev:0c2e:0b61"}, "Pemindai", "tidak ditemukan"),
    ({"printer": "usb://printer"}, "Konfigurasi kiosk", "printer"),
])
def test_each_kiosk_failure_is_named(edge, machine, tmp_path, changes, failing, words):
    changes = {k: v.format(dir=tmp_path) for k, v in changes.items()}
    config = write_kiosk(tmp_path / "kiosk.toml", edge, **changes)
    result = run_provisioning("doctor", "--config", str(config), "--root", str(machine))
    assert result.returncode == 1
    line = row(result.stdout, failing)
    assert FAIL in line and words in line, line
    assert "masalah ditemukan" in result.stdout


def test_unsynchronised_clock_fails(edge, tmp_path):
    config = write_kiosk(tmp_path / "kiosk.toml", edge)
    result = run_provisioning("doctor", "--config", str(config), "--root", str(tmp_path / "empty-root"))
    assert result.returncode == 1
    assert FAIL in row(result.stdout, "Jam") and "belum sinkron" in row(result.stdout, "Jam")


def test_config_readable_by_others_fails(edge, machine, tmp_path):
    config = write_kiosk(tmp_path / "kiosk.toml", edge)
    config.chmod(0o644)
    result = run_provisioning("doctor", "--config", str(config), "--root", str(machine))
    assert result.returncode == 1 and "0600" in row(result.stdout, "Konfigurasi kiosk")


def test_no_configuration_at_all_fails(machine):
    result = run_provisioning("doctor", "--root", str(machine))
    assert result.returncode == 1 and "provisioning kiosk" in result.stdout


def write_edge(path, edge, **extra):
    """An edge.toml for the running demo server; its data folder is /var/lib/anjungan/edge under the root."""
    values = {"village_code": "33.17.09.2016", "village_name": "Mojowarno", "host": "127.0.0.1",
              "port": edge.port, "data_dir": "/var/lib/anjungan/edge", "public_url": "http://192.168.1.10:8080",
              **extra}
    path.write_text("".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in values.items()))
    return path


def copy_database(edge, machine):
    data = machine / "var/lib/anjungan/edge"
    data.mkdir(parents=True)
    with sqlite3.connect(edge.data_dir / "edge.sqlite3") as source, sqlite3.connect(data / "edge.sqlite3") as copy:
        source.backup(copy)
    return data


def test_healthy_edge_passes(edge, machine, tmp_path):
    (machine / "var/lib/anjungan").mkdir(parents=True)
    (machine / "var/lib/anjungan/edge").symlink_to(edge.data_dir)
    config = write_edge(tmp_path / "edge.toml", edge)
    result = run_provisioning("doctor", "--config", str(config), "--root", str(machine), "--edge-url", edge.url)
    assert result.returncode == 0, result.stdout
    assert "integrity_check ok" in row(result.stdout, "Database")
    assert OK in row(result.stdout, "Layanan edge") and edge.url in row(result.stdout, "Layanan edge")
    assert OK in row(result.stdout, "Unit systemd") and OK in row(result.stdout, "Alamat kode QR")


def test_damaged_database_fails(edge, machine, tmp_path):
    data = copy_database(edge, machine)
    with open(data / "edge.sqlite3", "r+b") as fh:
        fh.seek(4096 * 3)
        fh.write(b"\xff" * 4096 * 4)
    config = write_edge(tmp_path / "edge.toml", edge)
    result = run_provisioning("doctor", "--config", str(config), "--root", str(machine))
    assert result.returncode == 1
    assert FAIL in row(result.stdout, "Database") and "cadangan" in row(result.stdout, "Database")


def test_old_unsent_records_fail_when_the_district_is_set_up(edge, machine, tmp_path):
    data = copy_database(edge, machine)
    old = (datetime.utcnow() - timedelta(days=2)).isoformat(" ")
    with sqlite3.connect(data / "edge.sqlite3") as db:
        db.execute("INSERT INTO outbox_event (id, seq, type, occurred_at, business_date, data, acked_at) "
                   "VALUES ('e1', 999999, 'ticket.issued', ?, '2024-01-01', '{}', NULL)", (old,))
    config = write_edge(tmp_path / "edge.toml", edge, district_url="https://hub.example",
                        district_secret="s")
    result = run_provisioning("doctor", "--config", str(config), "--root", str(machine))
    assert result.returncode == 1
    line = row(result.stdout, "Antrean sinkron")
    assert FAIL in line and "belum diterima kabupaten" in line


def test_edge_service_down_fails(edge, machine, tmp_path):
    copy_database(edge, machine)
    config = write_edge(tmp_path / "edge.toml", edge)
    config.write_text(config.read_text().replace(f"port = {edge.port}", "port = 9"))
    result = run_provisioning("doctor", "--config", str(config), "--root", str(machine), "--edge-url",
                              "http://127.0.0.1:9")
    assert result.returncode == 1 and FAIL in row(result.stdout, "Layanan edge")


def test_a_root_is_checked_by_its_own_units_not_the_server_running_here(edge, machine, tmp_path):
    """GIVEN a staging root and a demo edge server running on this machine on the root's port WHEN doctor checks
    the root THEN it does not report that server as the root's; a root whose unit is missing fails."""
    copy_database(edge, machine)
    config = write_edge(tmp_path / "edge.toml", edge)
    result = run_provisioning("doctor", "--config", str(config), "--root", str(machine))
    assert "answers at" not in row(result.stdout, "Layanan edge") and "--edge-url" in row(result.stdout,
                                                                                          "Layanan edge")
    (machine / "etc/systemd/system/multi-user.target.wants/anjungan-edge.service").unlink()
    result = run_provisioning("doctor", "--config", str(config), "--root", str(machine))
    assert result.returncode == 1 and "not enabled" in row(result.stdout, "Unit systemd")
    (machine / "etc/systemd/system/anjungan-edge.service").unlink()
    result = run_provisioning("doctor", "--config", str(config), "--root", str(machine))
    assert FAIL in row(result.stdout, "Unit systemd") and "provisioning edge --root" in row(result.stdout,
                                                                                           "Unit systemd")


def test_another_villages_server_fails(edge, machine, tmp_path):
    copy_database(edge, machine)
    config = write_edge(tmp_path / "edge.toml", edge, village_code="33.17.09.2001")
    result = run_provisioning("doctor", "--config", str(config), "--root", str(machine), "--edge-url", edge.url)
    assert result.returncode == 1
    assert FAIL in row(result.stdout, "Layanan edge") and "another server" in row(result.stdout, "Layanan edge")


@pytest.mark.parametrize("extra", [{"public_url": ""}, {"public_url": "http://127.0.0.1:8080"},
                                   {"public_url": "https://localhost:8443"}])
def test_a_qr_code_that_would_open_127_0_0_1_fails_loudly(edge, machine, tmp_path, extra):
    copy_database(edge, machine)
    config = write_edge(tmp_path / "edge.toml", edge, **extra)
    result = run_provisioning("doctor", "--config", str(config), "--root", str(machine))
    assert result.returncode == 1
    line = row(result.stdout, "Alamat kode QR")
    assert FAIL in line and ("127.0.0.1" in line or "localhost" in line), line


def test_backlog_grades():
    now = datetime(2025, 1, 1, 12, 0)
    assert backlog_check(0, None, True, now).status == OK
    assert backlog_check(3, "2025-01-01 11:58:00", True, now).status == OK
    assert backlog_check(3, "2025-01-01 11:00:00", True, now).status == WARN
    assert backlog_check(3, "2024-12-30 11:00:00", True, now).status == FAIL
    assert backlog_check(3, "2024-12-30 11:00:00", False, now).status == OK


def test_disk_space_grades(tmp_path, monkeypatch):
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage._replace(free=100 * 2**20, total=32 * 2**30))
    assert check_disk(tmp_path).status == FAIL
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage._replace(free=900 * 2**20, total=32 * 2**30))
    assert check_disk(tmp_path).status == WARN
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage._replace(free=20 * 2**30, total=32 * 2**30))
    assert check_disk(tmp_path).status == OK
