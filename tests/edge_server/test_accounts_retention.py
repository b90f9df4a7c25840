"""Staff passwords (policy, self-service change, offline CLI) and the ticket retention job."""
import json
import re
import subprocess
import sys

import pytest

from edge_server.models import AuditLog, StaffUser, Ticket, VillageProfile
from edge_server.passwords import policy_problem
from edge_server.queue.service import issue_ticket
from edge_server.retention import erase_old_ticket_links
from tests.edge_server.conftest import login


@pytest.mark.parametrize("password", ["short1", "password123", "Bismillah123", "indonesia!", "aaaaaaaaaaaa",
                                      "admin-desa-2026"])
def test_weak_passwords_are_refused(password):
    assert policy_problem(password, "admin") is not None


def test_a_good_password_passes():
    assert policy_problem("kopi tubruk di balai 7", "siti") is None


def change(staff, current, new, confirm=None):
    page = staff.get("/staff/password")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    return staff.raw.post("/staff/password", data={"current": current, "new": new, "confirm": confirm or new,
                                                   "csrf_token": token})


def test_staff_change_their_own_password(app, staff, demo):
    admin = next(s for s in demo["staff"] if s["username"] == "admin")
    assert change(staff, "wrong", "kopi tubruk di balai 7").status_code == 400
    r = change(staff, admin["password"], "rahasia123")
    assert r.status_code == 400 and "umum" in r.data.decode()
    assert change(staff, admin["password"], "kopi tubruk di balai 7").status_code == 302
    assert login(app.test_client(), "admin", "kopi tubruk di balai 7").status_code == 302
    assert login(app.test_client(), "admin", admin["password"]).status_code == 401


def run_cli(data_dir, *args):
    return subprocess.run([sys.executable, "-m", "edge_server", "users", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=60,
                          env={"ANJUNGAN_PASSWORD_HASH": "scrypt:1024:8:1", "PATH": "/usr/bin:/bin"})


def test_users_cli_works_offline(tmp_path):
    add = run_cli(tmp_path, "add", "kades", "--role", "admin")
    assert add.returncode == 0, add.stderr
    password = re.search(r"\(shown once\): (\S+)", add.stdout).group(1)
    assert run_cli(tmp_path, "add", "kades").returncode == 1
    reset = run_cli(tmp_path, "reset-password", "kades")
    new_password = re.search(r"\(shown once\): (\S+)", reset.stdout).group(1)
    assert new_password != password and policy_problem(new_password, "kades") is None
    disable = run_cli(tmp_path, "disable", "kades")
    assert disable.returncode == 0
    missing = run_cli(tmp_path, "disable", "nobody")
    assert missing.returncode == 1 and "no staff user" in missing.stderr
    from edge_server.db import open_database

    db = open_database(tmp_path / "edge.sqlite3")
    user = StaffUser.get(StaffUser.username == "kades")
    assert user.role == "admin" and user.active is False
    db.close()


def test_retention_unlinks_residents_from_old_tickets_only(app, clock, travel):
    with app.app_context():
        old = issue_ticket("A", clock=clock, resident_id=42)
        travel(days=200)
        recent = issue_ticket("A", clock=clock, resident_id=43)
        travel(days=170)
        assert erase_old_ticket_links(clock) == 1
        assert Ticket.get_by_id(old.id).resident_id is None
        assert Ticket.get_by_id(recent.id).resident_id == 43
        assert AuditLog.select().where(AuditLog.action == "retention.erase_ticket_links").count() == 1
        assert erase_old_ticket_links(clock) == 0


def test_retention_period_is_a_village_setting(app, clock, travel):
    with app.app_context():
        VillageProfile.update(settings=json.dumps({"retention_days": 30})).execute()
        ticket = issue_ticket("B", clock=clock, resident_id=7)
        travel(days=31)
        assert erase_old_ticket_links(clock) == 1
        assert Ticket.get_by_id(ticket.id).resident_id is None
