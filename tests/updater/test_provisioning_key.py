"""`provisioning edge|kiosk --release-pubkey FILE` installs the release key devices check updates against."""
from __future__ import annotations

import pytest

from provisioning.release_key import RELEASE_PUBKEY, install_release_pubkey
from provisioning.target import ProvisioningError, Target
from tests.updater.helpers import keypair


def test_the_release_key_is_installed_once_and_a_wrong_file_is_refused(tmp_path):
    _private, public = keypair(tmp_path / "keys")
    target = Target(tmp_path / "root")
    assert install_release_pubkey(target, str(tmp_path / "keys" / "release.pub")) is True
    assert (tmp_path / "root" / RELEASE_PUBKEY.lstrip("/")).read_bytes() == public
    assert install_release_pubkey(target, str(tmp_path / "keys" / "release.pub")) is False  # already right
    with pytest.raises(ProvisioningError):
        install_release_pubkey(target, str(tmp_path / "keys" / "release.key"))  # the private key: never
    with pytest.raises(ProvisioningError):
        install_release_pubkey(target, str(tmp_path / "missing.pub"))


def test_updates_are_enabled_with_the_role_arguments_and_a_second_run_changes_nothing(tmp_path):
    from provisioning.release_key import UPDATE_ENV, enable_updates

    root = tmp_path / "root"
    target = Target(root)
    assert enable_updates(target, "edge", "https://hub.example/") is True
    env = (root / UPDATE_ENV.lstrip("/")).read_text()
    assert "ANJUNGAN_UPDATE_URL=https://hub.example\n" in env and "--module edge_server" in env
    assert (root / "etc/systemd/system/anjungan-update.service").is_file()
    assert (root / "etc/systemd/system/timers.target.wants/anjungan-update.timer").is_symlink()
    assert enable_updates(Target(root), "edge", "https://hub.example/") is False


def test_without_a_hub_url_no_update_timer_is_installed(tmp_path):
    from provisioning.release_key import enable_updates

    said = []
    target = Target(tmp_path / "root", say=said.append)
    assert enable_updates(target, "kiosk", None) is False
    assert not (tmp_path / "root" / "etc/systemd/system/anjungan-update.timer").exists()
    assert any("--update-url" in line for line in said)


def test_units_run_the_current_link_that_updates_switch(tmp_path, monkeypatch):
    """GIVEN provisioning runs from /opt/anjungan/venv WHEN it installs a unit THEN the unit runs
    /opt/anjungan/current, which points at the venv until the updater switches it (and is never overwritten)."""
    import os
    import sys

    from provisioning import units

    monkeypatch.setattr(units, "PROVISIONED_VENV", sys.prefix)  # as if this venv were /opt/anjungan/venv
    assert units.unit_python() == units.UNIT_PYTHON
    root = tmp_path / "root"
    units.install_unit(Target(root), "anjungan-edge.service")
    assert "ExecStart=/opt/anjungan/current/bin/python -m edge_server" in \
        (root / "etc/systemd/system/anjungan-edge.service").read_text()
    assert os.readlink(root / "opt/anjungan/current") == units.PROVISIONED_VENV
    (root / "opt/anjungan/current").unlink()
    (root / "opt/anjungan/current").symlink_to("/opt/anjungan/releases/0.2.0")
    units.install_unit(Target(root), "anjungan-edge.service")
    assert os.readlink(root / "opt/anjungan/current") == "/opt/anjungan/releases/0.2.0"


def test_provisioning_edge_with_a_release_key_turns_on_nightly_updates(tmp_path):
    import json

    from tests.provisioning.conftest import run_provisioning

    keypair(tmp_path / "keys")
    root = tmp_path / "root"
    result = run_provisioning("edge", "--village-code", "3317092016", "--village-name", "Mojowarno", "--no-tls",
                              "--district-url", "https://hub.example.id", "--district-secret", "rahasia-desa",
                              "--release-pubkey", str(tmp_path / "keys" / "release.pub"), "--root", str(root))
    assert result.returncode == 0, result.stderr
    assert "ANJUNGAN_UPDATE_URL=https://hub.example.id" in (root / "etc/anjungan/update.env").read_text()
    assert (root / "etc/systemd/system/timers.target.wants/anjungan-update.timer").is_symlink()
    plan = json.loads((root / "var/lib/anjungan/provisioning/edge-plan.json").read_text())
    assert any("anjungan-update.timer" in " ".join(step) for step in plan["commands"])
