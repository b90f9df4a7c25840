"""Guard rails on letter moves: the documents checklist is stored and audited, approval needs it complete or a
reason, a forward skip walks through every status in DOMAIN.md's order, and an admin corrects a mistake."""
from __future__ import annotations

import json
import re

import pytest

from edge_server.models import AuditLog, LetterRequest, LetterType, OutboxEvent
from tests.edge_server.conftest import login

DOCUMENTS = ["Surat Pengantar RT/RW", "Fotokopi KK", "Fotokopi KTP"]


@pytest.fixture
def letter(kiosk, demo):
    person = next(r for r in demo["residents"] if "rfid" in r)
    session = kiosk.post("/api/v1/identify", json={"scan": person["rfid"]}).json["session"]
    r = kiosk.post("/api/v1/letters", json={"type": "S-41", "fields": {"keperluan": "Melamar pekerjaan"}},
                   headers={"X-Kiosk-Session": session})
    assert r.status_code == 201
    return {**r.json["letter"], "session": session}


def status(staff, letter_id, **body):
    return staff.post(f"/staff/api/letters/{letter_id}/status", json=body)


def audit_rows(app, action):
    with app.app_context():
        return [r.detail for r in AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.id)]


def test_the_checklist_is_stored_shown_after_reload_and_audited(staff, letter, app):
    r = staff.post(f"/staff/api/letters/{letter['id']}/checklist",
                   json={"checklist": ["Fotokopi KK", "Tidak ada di daftar"]})
    assert r.status_code == 200 and r.json["checklist"] == ["Fotokopi KK"]
    page = staff.get(f"/staff/letters/{letter['id']}").text
    assert re.search(r'value="Fotokopi KK"\s+checked', page)
    assert not re.search(r'value="Fotokopi KTP"\s+checked', page)
    assert audit_rows(app, "letter.checklist") == ["1/3: Fotokopi KK"]
    assert "Dokumen diperiksa" in page and "1/3: Fotokopi KK" in page  # the request's history on its page
    # the same list again writes no second row
    staff.post(f"/staff/api/letters/{letter['id']}/checklist", json={"checklist": ["Fotokopi KK"]})
    assert len(audit_rows(app, "letter.checklist")) == 1


@pytest.mark.parametrize("body", [{"checklist": "Fotokopi KK"}, {"checklist": [1]}, {}])
def test_a_malformed_checklist_is_refused(staff, letter, body):
    r = staff.post(f"/staff/api/letters/{letter['id']}/checklist", json=body)
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_checklist"


def test_approval_with_missing_documents_needs_a_reason(staff, letter, app):
    assert status(staff, letter["id"], status=1).status_code == 200
    r = status(staff, letter["id"], status=2, checklist=["Fotokopi KK"])
    assert r.status_code == 409 and r.json["error"]["code"] == "checklist_incomplete"
    assert r.json["missing"] == ["Surat Pengantar RT/RW", "Fotokopi KTP"]
    with app.app_context():
        assert LetterRequest.get_by_id(letter["id"]).letter_number is None
    r = status(staff, letter["id"], status=2, checklist=["Fotokopi KK"], reason="RT sedang ke luar kota")
    assert r.status_code == 200 and r.json["letter"]["letter_number"].startswith("S-41/001/")
    assert audit_rows(app, "letter.status")[-1].endswith(
        "dokumen 1/3: Fotokopi KK alasan: RT sedang ke luar kota")


def test_approval_with_every_document_ticked_needs_no_reason(staff, letter, app):
    status(staff, letter["id"], status=1)
    r = status(staff, letter["id"], status=2, checklist=DOCUMENTS)
    assert r.status_code == 200 and r.json["letter"]["status"] == 2
    assert "dokumen 3/3" in audit_rows(app, "letter.status")[-1]


def test_a_forward_skip_walks_through_each_status_each_audited(staff, letter, app):
    """The contract's plain {"status": 4} still works, but the record reads 0->1->2->3->4."""
    r = status(staff, letter["id"], status=4)
    assert r.status_code == 200 and r.json["letter"]["status"] == 4
    number = r.json["letter"]["letter_number"]
    assert number.startswith("S-41/001/")
    moves = [d.split(" ")[0] for d in audit_rows(app, "letter.status")]
    assert moves == ["0->1", "1->2", "2->3", "3->4"]
    with app.app_context():
        events = [json.loads(e.data) for e in OutboxEvent.select().where(
            OutboxEvent.type == "letter.status_changed").order_by(OutboxEvent.seq)]
    assert [(e["from"], e["to"]) for e in events] == [(0, 1), (1, 2), (2, 3), (3, 4)]
    assert [e["letter_number"] for e in events] == [None, number, number, number]


def test_cancel_goes_straight_to_cancelled(staff, letter, app):
    assert status(staff, letter["id"], status=5).json["letter"]["status"] == 5
    assert [d.split(" ")[0] for d in audit_rows(app, "letter.status")] == ["0->5"]


def test_an_admin_corrects_a_mistaken_status_with_a_reason(staff, letter, app):
    numbered = status(staff, letter["id"], status=4).json["letter"]
    url = f"/staff/api/letters/{letter['id']}/correct"
    r = staff.post(url, json={"status": 3})
    assert r.status_code == 400 and r.json["error"]["code"] == "reason_required"
    r = staff.post(url, json={"status": 4, "reason": "x"})
    assert r.status_code == 409 and r.json["error"]["code"] == "invalid_correction"
    r = staff.post(url, json={"status": 3, "reason": "Salah klik, surat belum diambil"})
    assert r.status_code == 200 and r.json["letter"]["status"] == 3
    assert r.json["letter"]["letter_number"] == numbered["letter_number"]  # a given number stays
    assert audit_rows(app, "letter.correct") == ["4->3 alasan: Salah klik, surat belum diambil"]
    page = staff.get(f"/staff/letters/{letter['id']}").text
    assert "Status dikoreksi" in page and "sudah diambil → siap diambil" in page
    # moving on again keeps the same number
    assert status(staff, letter["id"], status=4).json["letter"]["letter_number"] == numbered["letter_number"]


def test_a_cancelled_request_can_be_reopened_by_an_admin(staff, letter):
    status(staff, letter["id"], status=5)
    r = staff.post(f"/staff/api/letters/{letter['id']}/correct", json={"status": 1, "reason": "Warga tidak jadi batal"})
    assert r.status_code == 200 and r.json["letter"]["status"] == 1


def test_operators_cannot_correct(app, demo, letter, staff):
    status(staff, letter["id"], status=3)
    client = app.test_client()
    operator = next(s for s in demo["staff"] if s["role"] == "operator")
    login(client, operator["username"], operator["password"])
    page = client.get(f"/staff/letters/{letter['id']}").text
    assert 'id="correction"' not in page
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    r = client.post(f"/staff/api/letters/{letter['id']}/correct", json={"status": 1, "reason": "x"},
                    headers={"X-CSRFToken": csrf})
    assert r.status_code == 403


def test_the_page_offers_only_the_next_step(staff, letter):
    for current, offered in ((0, 1), (1, 2), (2, 3), (3, 4)):
        if current:
            status(staff, letter["id"], status=current)
        page = staff.get(f"/staff/letters/{letter['id']}").text
        steps = re.findall(r'id="next-step" class="primary" data-status="(\d)"', page)
        assert steps == [str(offered)]
        assert ('data-numbers="1"' in page) == (offered == 2)


def test_kiosk_detail_adds_descriptions_choices_and_documents_to_bring(kiosk, letter, app):
    plain = kiosk.get("/api/v1/letter-types").json["letter_types"]
    assert "description" not in plain[0] and "choices" not in plain[0]["fields"][0]
    detail = {t["code"]: t for t in kiosk.get("/api/v1/letter-types?detail=1").json["letter_types"]}
    assert all(t["description"] for t in detail.values())
    assert "Melamar pekerjaan" in detail["S-41"]["fields"][0]["choices"]
    listed = kiosk.get("/api/v1/letters?detail=1", headers={"X-Kiosk-Session": letter["session"]}).json
    assert listed["letters"][0]["to_bring"] == DOCUMENTS
    with app.app_context():
        LetterType.update(description="Teks dari admin").where(LetterType.code == "S-41").execute()
    detail = {t["code"]: t for t in kiosk.get("/api/v1/letter-types?detail=1").json["letter_types"]}
    assert detail["S-41"]["description"] == "Teks dari admin"


def test_migrations_15_and_16_add_the_columns_to_an_older_install(tmp_path, clock):
    """GIVEN a database from before migrations 15 and 16 WHEN the new version starts THEN requests get an empty
    checklist and the catalogue's letter types their description."""
    import sqlite3

    from edge_server import create_app
    from edge_server.config import load_config
    from edge_server.db import migrate, open_database

    cfg = load_config(None, env={}, data_dir=str(tmp_path))
    create_app(cfg, clock=clock)
    raw = sqlite3.connect(cfg.database_path)
    raw.execute("alter table letter_request drop column checklist")
    raw.execute("alter table letter_type drop column description")
    raw.execute("delete from schema_migration where version in (15, 16)")
    raw.commit()
    raw.close()
    db = open_database(cfg.database_path)
    migrate(db)
    db.close()
    raw = sqlite3.connect(cfg.database_path)
    assert "checklist" in {row[1] for row in raw.execute("pragma table_info(letter_request)")}
    descriptions = dict(raw.execute("select code, description from letter_type"))
    raw.close()
    assert descriptions["S-41"] == "Bukti bahwa Anda tinggal di alamat ini."
    assert all(descriptions.values())


def test_an_admin_writes_a_type_description(staff, app, kiosk):
    with app.app_context():
        type_id = LetterType.get(LetterType.code == "S-11").id
    page = staff.get(f"/staff/admin/letter-types/{type_id}").text
    assert 'name="description" value="Untuk keringanan biaya sekolah, berobat atau bantuan."' in page
    form = {"csrf_token": staff.token, "code": "S-11", "name": "Surat Keterangan Tidak Mampu",
            "fields": "keperluan | Keperluan | wajib", "requirements": "Fotokopi KK", "template": "{keperluan}",
            "validity_days": "30", "active": "on", "self_service": "on",
            "description": "  Untuk   beasiswa dan keringanan biaya. "}
    assert staff.raw.post(f"/staff/admin/letter-types/{type_id}", data=form).status_code == 302
    detail = {t["code"]: t for t in kiosk.get("/api/v1/letter-types?detail=1").json["letter_types"]}
    assert detail["S-11"]["description"] == "Untuk beasiswa dan keringanan biaya."
