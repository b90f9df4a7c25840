"""Letter requests through the kiosk API and their status moves by staff, numbering included."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timezone

import pytest

from edge_server.letters import service as letters
from edge_server.models import AuditLog, LetterRequest, OutboxEvent, Ticket

L_KEYS = {"id", "reference", "type", "type_name", "status", "status_label", "letter_number", "verification_url",
          "track_url", "created_at"}


@pytest.fixture
def resident_session(kiosk, demo):
    """A full session (e-KTP tag) for the first demo resident with a tag."""
    person = next(r for r in demo["residents"] if "rfid" in r)
    r = kiosk.post("/api/v1/identify", json={"scan": person["rfid"]})
    assert r.status_code == 200
    return {"X-Kiosk-Session": r.json["session"]}


def request_letter(kiosk, session, type_code="S-41", fields=None):
    return kiosk.post("/api/v1/letters", json={"type": type_code, "fields": fields or {"keperluan": "Melamar kerja"}},
                      headers=session)


def move(staff, letter_id, status):
    return staff.post(f"/staff/api/letters/{letter_id}/status", json={"status": status})


def set_clock(clock, when_utc: datetime) -> None:
    clock.offset = when_utc.replace(tzinfo=timezone.utc) - datetime.now(timezone.utc)


def test_letter_types_are_the_self_service_letters(kiosk):
    r = kiosk.get("/api/v1/letter-types")
    assert r.status_code == 200
    types = {t["code"]: t for t in r.json["letter_types"]}
    assert len(types) == 15 and set(types["500"]) == {"code", "name", "fields", "requirements"}
    assert types["500"]["name"] == "Surat Keterangan Usaha"
    assert [f["name"] for f in types["500"]["fields"]] == ["nama_usaha", "keperluan"]
    assert types["S-08"]["fields"] == [] and "Fotokopi KTP" in types["S-08"]["requirements"]
    assert set(types["S-41"]["fields"][0]) == {"name", "label", "required"}


def test_request_a_letter_returns_the_contract_object(kiosk, resident_session, app):
    r = request_letter(kiosk, resident_session)
    assert r.status_code == 201
    letter = r.json["letter"]
    assert set(letter) == L_KEYS and r.json["ticket"] is None
    assert letter["type"] == "S-41" and letter["status"] == 0 and letter["status_label"] == "belum lengkap"
    assert letter["letter_number"] is None and letter["verification_url"] is None
    assert letter["reference"].startswith("SRT-") and len(letter["reference"]) == 13
    assert letter["track_url"].startswith("http://127.0.0.1:8080/s/") and len(letter["track_url"].rsplit("/")[-1]) >= 22
    with app.app_context():
        event = OutboxEvent.select().where(OutboxEvent.type == "letter.requested").get()
        data = json.loads(event.data)
        assert data["letter_id"] == letter["id"] and data["type"] == "S-41"
        stored = LetterRequest.get_by_id(letter["id"])
        assert json.loads(stored.field_values) == {"keperluan": "Melamar kerja"}


def test_references_count_up_within_the_month(kiosk, resident_session):
    refs = [request_letter(kiosk, resident_session).json["letter"]["reference"] for _ in range(3)]
    serials = [int(ref.rsplit("-", 1)[1]) for ref in refs]
    assert serials == [serials[0], serials[0] + 1, serials[0] + 2] and len(set(refs)) == 3


def test_a_resident_lists_their_own_letters_only(kiosk, resident_session, demo):
    mine = request_letter(kiosk, resident_session).json["letter"]
    request_letter(kiosk, resident_session, "500", {"nama_usaha": "Warung Bu Sri", "keperluan": "Pinjaman"})
    other = next(r for r in demo["residents"] if "pin" in r and r["rfid"] != demo["residents"][0].get("rfid"))
    other_session = kiosk.post("/api/v1/identify", json={"nik": other["nik"], "pin": other["pin"]}).json["session"]
    assert kiosk.get("/api/v1/letters", headers={"X-Kiosk-Session": other_session}).json["letters"] == []
    listed = kiosk.get("/api/v1/letters", headers=resident_session).json["letters"]
    assert [x["type"] for x in listed] == ["500", "S-41"] and listed[1]["id"] == mine["id"]


@pytest.mark.parametrize("body,code", [
    ({"type": "S-41", "fields": {}}, "invalid_fields"),
    ({"type": "S-41", "fields": {"keperluan": "x", "warna": "merah"}}, "invalid_fields"),
    ({"type": "S-41", "fields": {"keperluan": 5}}, "invalid_fields"),
    ({"type": "S-41", "fields": "keperluan"}, "invalid_body"),
    ({"type": "S-41", "fields": {"keperluan": "x"}, "extra": 1}, "invalid_body"),
])
def test_bad_letter_requests_are_400(kiosk, resident_session, body, code):
    r = kiosk.post("/api/v1/letters", json=body, headers=resident_session)
    assert r.status_code == 400 and r.json["error"]["code"] == code


def test_unknown_or_staff_only_types_are_404(kiosk, resident_session, app):
    with app.app_context():
        from edge_server.models import LetterType

        LetterType.update(self_service=False).where(LetterType.code == "S-11").execute()
    for code in ("S-99", "S-11", None):
        r = kiosk.post("/api/v1/letters", json={"type": code, "fields": {"keperluan": "x"}}, headers=resident_session)
        assert r.status_code == 404 and r.json["error"]["code"] == "unknown_letter_type"
    assert "S-11" not in {t["code"] for t in kiosk.get("/api/v1/letter-types").json["letter_types"]}


def test_letters_need_a_full_session(kiosk, demo):
    assert request_letter(kiosk, {}).json["error"]["code"] == "invalid_session"
    basic = kiosk.post("/api/v1/identify", json={"scan": demo["residents"][0]["nik"]}).json["session"]
    r = request_letter(kiosk, {"X-Kiosk-Session": basic})
    assert r.status_code == 403 and r.json["error"]["code"] == "pin_required"


def test_pickup_ticket_when_the_village_wants_one(kiosk, resident_session, app):
    with app.app_context():
        letters.save_settings({"letter_pickup_service": "B"})
    r = request_letter(kiosk, resident_session)
    ticket = r.json["ticket"]
    assert ticket["service"] == "B" and ticket["number"].startswith("B-")
    with app.app_context():
        assert LetterRequest.get_by_id(r.json["letter"]["id"]).ticket_id == ticket["id"]
        assert Ticket.get_by_id(ticket["id"]).resident_id is not None


def test_moving_to_signature_gives_the_village_number(kiosk, resident_session, staff, app):
    letter = request_letter(kiosk, resident_session).json["letter"]
    r = move(staff, letter["id"], 1)
    assert r.status_code == 200 and r.json["letter"]["letter_number"] is None
    r = move(staff, letter["id"], 2)
    numbered = r.json["letter"]
    year = app.extensions["clock"].local().year
    month = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"][
        app.extensions["clock"].local().month - 1]
    assert numbered["letter_number"] == f"S-41/001/33.17.09.2016/{month}/{year}"
    assert numbered["status"] == 2 and numbered["status_label"] == "menunggu tanda tangan"
    assert numbered["verification_url"].startswith("http://127.0.0.1:8080/verifikasi/")
    assert len(numbered["verification_url"].rsplit("/", 1)[1]) >= 22
    # the number stays through later moves; the resident sees it too
    assert move(staff, letter["id"], 3).json["letter"]["letter_number"] == numbered["letter_number"]
    listed = kiosk.get("/api/v1/letters", headers=resident_session).json["letters"][0]
    assert listed["letter_number"] == numbered["letter_number"] and listed["status"] == 3
    with app.app_context():
        events = [json.loads(e.data) for e in OutboxEvent.select().where(OutboxEvent.type == "letter.status_changed")
                  .order_by(OutboxEvent.seq)]
        assert [(e["from"], e["to"]) for e in events] == [(0, 1), (1, 2), (2, 3)]
        assert AuditLog.select().where(AuditLog.action == "letter.status").count() == 3


def test_counter_is_per_type_by_default_and_can_be_shared(kiosk, resident_session, staff, app):
    a = request_letter(kiosk, resident_session, "S-41").json["letter"]
    b = request_letter(kiosk, resident_session, "S-10", {"tujuan": "Semarang", "keperluan": "kerja"}).json["letter"]
    assert move(staff, a["id"], 2).json["letter"]["letter_number"].startswith("S-41/001/")
    assert move(staff, b["id"], 2).json["letter"]["letter_number"].startswith("S-10/001/")
    with app.app_context():
        letters.save_settings({"letter_counter": "global"})
    c = request_letter(kiosk, resident_session, "S-41").json["letter"]
    d = request_letter(kiosk, resident_session, "S-02").json["letter"]
    first = move(staff, c["id"], 4).json["letter"]["letter_number"]
    second = move(staff, d["id"], 2).json["letter"]["letter_number"]
    # the shared counter starts at 1 too, but S-41/001 is taken: it skips to the next free number
    assert first.startswith("S-41/002/") and second.startswith("S-02/003/")


@pytest.mark.parametrize("path,status", [((0, 5), 200), ((3, 5), 200), ((2, 1), 409), ((4, 5), 409),
                                         ((5, 1), 409), ((1, 1), 409)])
def test_status_moves(kiosk, resident_session, staff, path, status):
    letter = request_letter(kiosk, resident_session).json["letter"]
    first, second = path
    if first:
        assert move(staff, letter["id"], first).status_code == 200
    r = move(staff, letter["id"], second)
    assert r.status_code == status, r.json
    if status == 409:
        assert r.json["error"]["code"] == "invalid_transition"


def test_cancel_before_numbering_takes_no_number(kiosk, resident_session, staff):
    letter = request_letter(kiosk, resident_session).json["letter"]
    cancelled = move(staff, letter["id"], 5).json["letter"]
    assert cancelled["status"] == 5 and cancelled["letter_number"] is None


@pytest.mark.parametrize("body", [{"status": 0}, {"status": 6}, {"status": "2"}, {"status": True}, {}])
def test_bad_status_bodies_are_400(kiosk, resident_session, staff, body):
    letter = request_letter(kiosk, resident_session).json["letter"]
    r = staff.post(f"/staff/api/letters/{letter['id']}/status", json=body)
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_status"


def test_status_api_needs_login_and_csrf(kiosk, resident_session, client, staff):
    letter = request_letter(kiosk, resident_session).json["letter"]
    assert client.post(f"/staff/api/letters/{letter['id']}/status", json={"status": 1}).status_code in (400, 401)
    assert staff.raw.post(f"/staff/api/letters/{letter['id']}/status", json={"status": 1}).status_code == 400
    assert move(staff, "no-such-letter", 1).status_code == 404


def test_two_staff_numbering_at_the_same_moment_get_consecutive_numbers(kiosk, resident_session, staff, app):
    """GIVEN two letters of the same type WHEN two staff move both to 2 at once (two threads, two database
    connections) THEN they get two different, consecutive numbers."""
    for _round in range(3):
        ids = [request_letter(kiosk, resident_session).json["letter"]["id"] for _ in range(2)]
        barrier = threading.Barrier(2)
        answers: dict[str, dict] = {}

        def approve(letter_id, barrier=barrier, answers=answers):
            barrier.wait()
            answers[letter_id] = move(staff, letter_id, 2).json

        threads = [threading.Thread(target=approve, args=(i,)) for i in ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        numbers = sorted(int(answers[i]["letter"]["letter_number"].split("/")[1]) for i in ids)
        assert numbers[1] == numbers[0] + 1
    with app.app_context():
        numbered = LetterRequest.select().where(LetterRequest.letter_number.is_null(False))
        all_numbers = [x.letter_number for x in numbered]
    assert len(all_numbers) == len(set(all_numbers)) == 6


def test_counter_restarts_in_a_new_year_by_the_village_clock(kiosk, resident_session, staff, clock):
    """At 00:30 WIB on 1 January the server's UTC clock still says 31 December: the number is the new year's."""
    first, second, third = (request_letter(kiosk, resident_session).json["letter"]["id"] for _ in range(3))
    set_clock(clock, datetime(2026, 12, 31, 10, 0))
    assert move(staff, first, 2).json["letter"]["letter_number"] == "S-41/001/33.17.09.2016/XII/2026"
    assert move(staff, second, 2).json["letter"]["letter_number"] == "S-41/002/33.17.09.2016/XII/2026"
    set_clock(clock, datetime(2026, 12, 31, 17, 30))  # 2027-01-01 00:30 in Asia/Jakarta
    assert move(staff, third, 2).json["letter"]["letter_number"] == "S-41/001/33.17.09.2016/I/2027"


def test_a_fresh_install_without_demo_has_the_letter_types(tmp_path):
    from edge_server import create_app
    from edge_server.config import load_config
    from edge_server.models import LetterType

    app = create_app(load_config(None, env={}, data_dir=str(tmp_path / "fresh")))
    with app.app_context():
        assert LetterType.select().where(LetterType.self_service == True).count() == 15  # noqa: E712
