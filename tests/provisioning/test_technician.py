"""What a technician relies on: a dry run that really checks the pairing code (without using it), the village
zone written for the kiosk, an edge address that QR codes can open, "already right" only when it was, and a plan
under --root that `apply-plan` carries out."""
from __future__ import annotations

import json
import subprocess
import tomllib

import pytest

from provisioning.plan import apply_plan
from provisioning.target import ProvisioningError, Target
from tests.provisioning.conftest import run_provisioning


def kiosk_args(edge, code: str, root) -> tuple[str, ...]:
    return ("kiosk", "--edge-url", edge.url, "--pairing-code", code, "--printer", "usb://0416:5011?profile=POS-5890",
            "--scanner", "evdev:0c2e:0b61", "--root", str(root))


def test_a_dry_run_checks_the_code_with_the_edge_and_leaves_it_unused(edge, tmp_path):
    """GIVEN the demo edge's pairing code WHEN a technician dry-runs THEN it says until when the code works, writes
    nothing, and the real run afterwards still pairs with it; a wrong code fails the dry run already."""
    wrong = run_provisioning(*kiosk_args(edge, "000000", tmp_path / "root"), "--dry-run")
    assert wrong.returncode == 1 and "pairing code is wrong" in wrong.stderr
    dry = run_provisioning(*kiosk_args(edge, edge.demo["pairing_code"], tmp_path / "root"), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "pairing code valid until" in dry.stdout and "Z" in dry.stdout.split("valid until", 1)[1].split()[0]
    assert not (tmp_path / "root").exists()
    real = run_provisioning(*kiosk_args(edge, edge.demo["pairing_code"], tmp_path / "root"))
    assert real.returncode == 0, real.stderr
    values = tomllib.loads((tmp_path / "root/etc/anjungan/kiosk.toml").read_text())
    assert values["timezone"] == "Asia/Jakarta"  # the village's zone, from the edge
    # under --root the user and the services are only planned: never called "already right"
    assert "already right: pengguna" not in real.stdout
    assert "recorded in the plan: pengguna / user anjungan-kiosk" in real.stdout
    assert "sudo python -m provisioning apply-plan kiosk" in real.stdout
    plan = json.loads((tmp_path / "root/var/lib/anjungan/provisioning/kiosk-plan.json").read_text())
    assert "apply-plan kiosk" in plan["note"]


def test_the_edge_gets_a_lan_address_for_qr_codes_never_loopback(tmp_path):
    base = ("edge", "--village-code", "3317092016", "--village-name", "Mojowarno")
    result = run_provisioning(*base, "--address", "192.168.1.10", "--root", str(tmp_path / "a"))
    assert result.returncode == 0, result.stderr
    values = tomllib.loads((tmp_path / "a/etc/anjungan/edge.toml").read_text())
    assert values["public_url"] == "https://192.168.1.10:8443"
    plain = run_provisioning(*base, "--no-tls", "--port", "8090", "--root", str(tmp_path / "b"))
    assert plain.returncode == 0, plain.stderr
    assert tomllib.loads((tmp_path / "b/etc/anjungan/edge.toml").read_text())["public_url"] == \
        "http://anjungan-edge.local:8090"
    refused = run_provisioning(*base, "--public-url", "http://127.0.0.1:8080", "--root", str(tmp_path / "c"))
    assert refused.returncode == 1 and "--public-url" in refused.stderr and not (tmp_path / "c").exists()
    config = tmp_path / "d/etc/anjungan/edge.toml"
    config.parent.mkdir(parents=True)
    config.write_text('public_url = "http://127.0.0.1:8080"\n')
    fixed = run_provisioning(*base, "--address", "10.0.0.5", "--root", str(tmp_path / "d"))
    assert fixed.returncode == 0, fixed.stderr
    assert tomllib.loads(config.read_text())["public_url"] == "https://10.0.0.5:8443"


def _host_target(tmp_path, monkeypatch, dry_run: bool):
    """A Target for the running system whose files live under tmp_path and whose commands are recorded."""
    ran: list[list[str]] = []
    said: list[str] = []

    def runner(argv):
        ran.append(list(argv))
        return subprocess.CompletedProcess(list(argv), 0, "", "")

    target = Target("/", dry_run=dry_run, say=said.append, runner=runner)
    monkeypatch.setattr(target, "path", lambda p: tmp_path / p.lstrip("/"))
    return target, ran, said


def test_apply_plan_carries_out_the_plan_once(tmp_path, monkeypatch):
    """GIVEN a kiosk plan written by a --root run WHEN apply-plan runs on that system THEN its dry run names every
    step, the real run sets owners and runs the commands in order, and the plan is not applied twice."""
    plan_dir = tmp_path / "var/lib/anjungan/provisioning"
    plan_dir.mkdir(parents=True)
    (tmp_path / "etc/anjungan").mkdir(parents=True)
    (tmp_path / "etc/anjungan/kiosk.toml").write_text("token = 'x'\n")
    plan = {"role": "kiosk", "users": [{"name": "anjungan-kiosk", "system": True, "home": "/var/lib/anjungan/kiosk",
                                        "shell": "/usr/sbin/nologin", "groups": ["video"]}],
            "files": [{"path": "/etc/anjungan/kiosk.toml", "owner": "root", "group": "root", "mode": "0600"}],
            "commands": [["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", "anjungan-kiosk.service"]]}
    (plan_dir / "kiosk-plan.json").write_text(json.dumps(plan))
    target, ran, said = _host_target(tmp_path, monkeypatch, dry_run=True)
    assert apply_plan(target, "kiosk") == 4
    assert ran == [] and any("would set: /etc/anjungan/kiosk.toml root:root 0600" in s for s in said)
    assert any("would run: systemctl enable --now anjungan-kiosk.service" in s for s in said)
    assert (plan_dir / "kiosk-plan.json").is_file()
    monkeypatch.setattr("provisioning.target._user_exists", lambda name: True)  # no real useradd in a test
    monkeypatch.setattr("provisioning.target._groups_of", lambda name: {"video"})
    target, ran, said = _host_target(tmp_path, monkeypatch, dry_run=False)
    assert apply_plan(target, "kiosk") == 4
    assert ran == plan["commands"]
    assert (tmp_path / "etc/anjungan/kiosk.toml").stat().st_mode & 0o777 == 0o600
    assert (plan_dir / "kiosk-plan.applied.json").is_file() and not (plan_dir / "kiosk-plan.json").exists()
    with pytest.raises(ProvisioningError, match="already applied"):
        apply_plan(target, "kiosk")


def test_apply_plan_refuses_a_root_and_a_missing_plan(tmp_path, monkeypatch):
    with pytest.raises(ProvisioningError, match="no --root"):
        apply_plan(Target(tmp_path), "edge")
    target, _, _ = _host_target(tmp_path, monkeypatch, dry_run=True)
    with pytest.raises(ProvisioningError, match="provisioning edge --root DIR"):
        apply_plan(target, "edge")
    result = run_provisioning("apply-plan", "--help")
    assert result.returncode == 0 and "ROLE-plan.json" in result.stdout
