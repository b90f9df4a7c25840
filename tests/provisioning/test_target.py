"""The Target: on the running system commands run (here through a fake runner); --dry-run touches nothing."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from provisioning.target import ProvisioningError, Target
from tests.provisioning.conftest import run_provisioning


def test_commands_run_on_the_running_system_only_when_needed():
    ran = []

    def runner(argv):
        ran.append(list(argv))
        return subprocess.CompletedProcess(argv, 0, "", "")

    target = Target("/", runner=runner, say=lambda _line: None)
    target.run(["systemctl", "daemon-reload"], needed=False)
    target.run(["systemctl", "start", "anjungan-edge.service"])
    assert ran == [["systemctl", "start", "anjungan-edge.service"]]


def test_a_failing_command_says_which_and_why():
    def runner(argv):
        return subprocess.CompletedProcess(argv, 1, "", "Unit anjungan-edge.service not found.\n")

    with pytest.raises(ProvisioningError, match="systemctl start anjungan-edge.service: Unit .* not found"):
        Target("/", runner=runner, say=lambda _line: None).run(["systemctl", "start", "anjungan-edge.service"])


def test_elsewhere_commands_are_only_planned(tmp_path):
    ran = []
    target = Target(tmp_path, runner=lambda argv: ran.append(argv), say=lambda _line: None)
    target.run(["udevadm", "trigger"])
    target.write_plan("kiosk")
    assert ran == []
    assert '"udevadm"' in (tmp_path / "var/lib/anjungan/provisioning/kiosk-plan.json").read_text()


def test_dry_run_on_this_machine_changes_nothing():
    before = Path("/etc/anjungan/edge.toml").exists()
    result = run_provisioning("edge", "--village-code", "3317092016", "--village-name", "Uji", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Dry run" in result.stdout
    assert Path("/etc/anjungan/edge.toml").exists() == before
