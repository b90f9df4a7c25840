"""Personal data rights (UU PDP): access log of every staff view, the export of everything held about one
resident, and the village's retention period for ticket links (setting, "run now", and the job by itself)."""
from __future__ import annotations

import json

import pytest

from edge_server.models import AuditLog, Resident, Ticket
from edge_server.queue.service import issue_ticket
from edge_server.retention import erase_old_ticket_links, retention_days
from tests.edge_server.conftest import login


@pytest.fixture
def resident(app, demo):
    with app.app_context():
        return Resident.get(Resident.nik == demo["residents"][1]["nik"])


@pytest.fixture
def operator(app, demo):
    client = app.test_client()
    user = next(s for s in demo["staff"] if s["role"] == "operator")
    assert login(client, user["username"], user["password"]).status_code == 302
    return client


def test_every_view_of_a_record_is_logged_and_admins_see_who_and_when(staff, operator, resident, app, clock):
    operator.get(f"/staff/residents/{resident.id}")
    staff.get(f"/staff/residents/{resident.id}")
    staff.get(f"/staff/residents/{resident.id}/letters/new?type=S-41")
    with app.app_context():
        rows = list(AuditLog.select().where(AuditLog.action == "resident.view")
                    .where(AuditLog.target == f"resident:{resident.id}").order_by(AuditLog.id))
    assert [(r.actor, r.detail) for r in rows] == [("operator", "detail"), ("admin", "detail"),
                                                   ("admin", "letter form S-41")]
    page = staff.get(f"/staff/residents/{resident.id}/access-log")
    assert page.status_code == 200
    assert page.text.count('<td class="actor">operator</td>') == 1
    local = clock.local()  # in words, in the village zone: "2 Desember 2026 21.05 WIB"
    from anjungan_core.calendar_words import MONTHS
    assert f"{local.day} {MONTHS[local.month - 1]} {local.year} {local:%H.}" in page.text
    assert f"{local.tzname()}</td>" in page.text
    assert operator.get(f"/staff/residents/{resident.id}/access-log").status_code == 302  # admins only


def test_viewing_a_letter_logs_a_view_of_its_resident(staff, resident, app):
    r = staff.raw.post(f"/staff/residents/{resident.id}/letters", data={"csrf_token": staff.token, "type": "S-41"})
    letter_id = r.headers["Location"].rsplit("/", 1)[1]
    staff.get(f"/staff/letters/{letter_id}")
    staff.get(f"/staff/letters/{letter_id}/print")
    details = [e.detail for e in AuditLog.select().where(AuditLog.target == f"resident:{resident.id}")]
    assert any(d.startswith("letter SRT-") for d in details) and any(d.startswith("letter print") for d in details)


def test_admin_exports_everything_held_about_one_resident(staff, operator, resident, app, clock):
    r = staff.raw.post(f"/staff/residents/{resident.id}/letters", data={
        "csrf_token": staff.token, "type": "S-41", "field_keperluan": "Melamar kerja"})
    letter_id = r.headers["Location"].rsplit("/", 1)[1]
    staff.post(f"/staff/api/letters/{letter_id}/status", json={"status": 2})
    with app.app_context():
        ticket = issue_ticket("A", clock=clock, resident_id=resident.id)
        issue_ticket("A", clock=clock, resident_id=resident.id + 1)  # someone else's
    operator.get(f"/staff/residents/{resident.id}")
    assert operator.get(f"/staff/residents/{resident.id}/export").status_code == 302  # admins only

    download = staff.get(f"/staff/residents/{resident.id}/export")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"
    data = json.loads(download.data)
    assert data["resident"]["nik"] == resident.nik and data["resident"]["name"] == resident.name
    assert "pin_hash" not in data["resident"] and "rfid_uid" not in data["resident"]
    assert [(x["type"], x["fields"]) for x in data["letter_requests"]] == [("S-41", {"keperluan": "Melamar kerja"})]
    assert data["letter_requests"][0]["letter_number"].startswith("S-41/001/")
    assert [t["id"] for t in data["tickets"]] == [ticket.id]
    assert {"letter.create", "letter.status"} <= {a["action"] for a in data["audit"]}
    assert ("operator", "detail") in {(a["actor"], a["detail"]) for a in data["access_log"]}
    assert data["retention_days"] == 365
    with app.app_context():  # the export itself is in the access log
        assert AuditLog.select().where((AuditLog.action == "resident.export")
                                       & (AuditLog.target == f"resident:{resident.id}")).count() == 1


def test_admin_sets_the_retention_period_and_runs_it_now(staff, operator, app, clock, travel):
    page = staff.get("/staff/admin/privacy")
    assert page.status_code == 200 and 'value="365"' in page.text
    assert operator.get("/staff/admin/privacy").status_code == 302
    for bad in ("7", "abc", "99999"):
        staff.raw.post("/staff/admin/privacy", data={"csrf_token": staff.token, "retention_days": bad})
        with app.app_context():
            assert retention_days() == 365
    with app.app_context():
        old = issue_ticket("A", clock=clock, resident_id=7)
    travel(days=100)
    with app.app_context():
        recent = issue_ticket("A", clock=clock, resident_id=8)
    travel(days=1)
    assert staff.raw.post("/staff/admin/privacy", data={"csrf_token": staff.token, "action": "save",
                                                        "retention_days": "90"}).status_code == 302
    with app.app_context():
        assert retention_days() == 90
        assert Ticket.get_by_id(old.id).resident_id == 7  # the job has not run yet
    r = staff.raw.post("/staff/admin/privacy", data={"csrf_token": staff.token, "action": "run"})
    assert "1 tiket dilepas" in staff.get(r.headers["Location"]).text
    with app.app_context():
        assert Ticket.get_by_id(old.id).resident_id is None and Ticket.get_by_id(recent.id).resident_id == 8
        travel(days=90)  # the scheduled job (same function) takes the next one once it is old enough
        assert erase_old_ticket_links(clock) == 1
        assert Ticket.get_by_id(recent.id).resident_id is None
        assert AuditLog.select().where(AuditLog.action == "retention.settings").count() == 1
