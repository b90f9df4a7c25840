"""`provisioning edge` into a temporary --root: files, modes, database with one admin, and a second run that
changes nothing."""
from __future__ import annotations

import json
import re
import sqlite3
import tomllib
from contextlib import closing

import pytest

from tests.provisioning.conftest import run_provisioning, snapshot

ARGS = ("edge", "--village-code", "3317092016", "--village-name", "Mojowarno",
        "--district-url", "https://hub.example.id", "--district-secret", "rahasia-desa")


@pytest.fixture(scope="module")
def provisioned(tmp_path_factory):
    root = tmp_path_factory.mktemp("edge-root")
    first = run_provisioning(*ARGS, "--root", str(root))
    return root, first


def test_writes_the_configuration_readable_by_the_service_only(provisioned):
    root, first = provisioned
    assert first.returncode == 0, first.stderr
    config = root / "etc/anjungan/edge.toml"
    assert config.stat().st_mode & 0o777 == 0o640
    values = tomllib.loads(config.read_text())
    assert values["village_code"] == "33.17.09.2016"
    assert values["village_name"] == "Mojowarno"
    assert values["port"] == 8080
    assert values["data_dir"] == "/var/lib/anjungan/edge"
    assert values["workers"] == 2  # the Pi's cores: two web server processes
    assert values["district_url"] == "https://hub.example.id"
    assert values["district_secret"] == "rahasia-desa"
    assert "rahasia-desa" not in first.stdout + first.stderr


def test_initialises_the_database_with_one_admin_and_shows_the_password_once(provisioned):
    root, first = provisioned
    database = root / "var/lib/anjungan/edge/edge.sqlite3"
    with closing(sqlite3.connect(database)) as db:  # `with connect()` alone never closes it
        admins = db.execute("SELECT username FROM staff_user WHERE role = 'admin'").fetchall()
    assert admins == [("admin",)]
    assert re.search(r"password \(hanya ditampilkan sekali / shown only once\): \S{8,}", first.stdout)
    assert (root / "var/lib/anjungan/edge").stat().st_mode & 0o777 == 0o750


def test_installs_and_enables_the_unit_without_touching_this_system(provisioned):
    root, _ = provisioned
    unit = root / "etc/systemd/system/anjungan-edge.service"
    assert "Type=notify" in unit.read_text()
    link = root / "etc/systemd/system/multi-user.target.wants/anjungan-edge.service"
    assert link.is_symlink() and str(link.readlink()) == "/etc/systemd/system/anjungan-edge.service"
    plan = json.loads((root / "var/lib/anjungan/provisioning/edge-plan.json").read_text())
    assert plan["users"][0]["name"] == "anjungan-edge"
    assert ["systemctl", "enable", "--now", "anjungan-edge.service"] in plan["commands"]
    owners = {f["path"]: f for f in plan["files"]}
    assert owners["/etc/anjungan/edge.toml"]["group"] == "anjungan-edge"


def test_second_run_changes_nothing_and_makes_no_second_admin(provisioned):
    root, _ = provisioned
    before = snapshot(root)
    before.pop("var/lib/anjungan/edge/edge.sqlite3-shm", None)
    second = run_provisioning(*ARGS, "--root", str(root))
    assert second.returncode == 0, second.stderr
    after = snapshot(root)
    after.pop("var/lib/anjungan/edge/edge.sqlite3-shm", None)
    assert after == before
    assert "password" not in second.stdout
    assert "0 diubah" in second.stdout


def test_keeps_keys_a_technician_added(tmp_path):
    config = tmp_path / "etc/anjungan/edge.toml"
    config.parent.mkdir(parents=True)
    config.write_text('counter_printer = "usb://0416:5011"\nport = 9000\nworkers = 1\n')
    result = run_provisioning(*ARGS[:5], "--root", str(tmp_path))
    assert result.returncode == 0, result.stderr
    values = tomllib.loads(config.read_text())
    assert values["counter_printer"] == "usb://0416:5011" and values["port"] == 9000 and values["workers"] == 1


@pytest.mark.parametrize("args, words", [
    (("--village-code", "33.17", "--village-name", "X"), "10"),
    (("--village-code", "3317092016", "--village-name", "X", "--district-url", "https://hub"), "--district-secret"),
])
def test_bad_flags_say_why_and_write_nothing(tmp_path, args, words):
    result = run_provisioning("edge", *args, "--root", str(tmp_path / "root"))
    assert result.returncode == 1
    assert words in result.stderr
    assert not (tmp_path / "root").exists()


def test_dry_run_writes_nothing(tmp_path):
    result = run_provisioning(*ARGS, "--root", str(tmp_path / "root"), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "akan diubah / would change" in result.stdout
    assert not (tmp_path / "root").exists()
