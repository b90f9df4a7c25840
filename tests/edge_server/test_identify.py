"""POST /api/v1/identify and kiosk sessions: scan, NIK + PIN, lockout, expiry, device binding."""
from __future__ import annotations

from datetime import date

import pytest

from drivers.idcard import make_nik
from edge_server.devices import register_device
from edge_server.models import KioskSession, Resident
from edge_server.residents import service as residents


def with_pin(demo):
    return [r for r in demo["residents"] if "pin" in r]


def without_pin(demo):
    return [r for r in demo["residents"] if "pin" not in r]


def identify(kiosk, **body):
    return kiosk.post("/api/v1/identify", json=body)


def letters(kiosk, session):
    return kiosk.get("/api/v1/letters", headers={"X-Kiosk-Session": session})


def test_demo_has_residents_with_pins_and_tags(demo, app):
    assert len(demo["residents"]) >= 10
    assert len(with_pin(demo)) >= 3 and len([r for r in demo["residents"] if "rfid" in r]) >= 3
    with app.app_context():
        assert Resident.select().count() >= 200
        assert Resident.select().where(Resident.pin_hash.is_null(False)).count() >= 90
        assert Resident.select().where(Resident.rfid_uid.is_null(False)).count() >= 90
        assert not Resident.select().where(Resident.pin_hash.contains(with_pin(demo)[0]["pin"])).exists()


def test_scanned_nik_gives_a_basic_session_with_masked_identity(kiosk, demo):
    person = demo["residents"][0]
    r = identify(kiosk, scan=person["nik"] + "\r\n")
    assert r.status_code == 200
    body = r.json
    assert body["level"] == "basic" and body["expires_in"] == 300 and len(body["session"]) >= 22
    assert body["resident"]["nik_masked"] == person["nik"][:4] + "*" * 10 + person["nik"][-2:]
    assert body["resident"]["name_masked"] != person["name"] and "*" in body["resident"]["name_masked"]


def test_a_qr_payload_with_a_nik_is_a_scan_too(kiosk, demo):
    r = identify(kiosk, scan='{"nik": "%s", "nama": "x"}' % demo["residents"][0]["nik"])
    assert r.status_code == 200 and r.json["level"] == "basic"


def test_basic_session_takes_tickets_but_not_letters(kiosk, demo):
    session = identify(kiosk, scan=demo["residents"][0]["nik"]).json["session"]
    r = letters(kiosk, session)
    assert r.status_code == 403 and r.json["error"]["code"] == "pin_required"
    ticket = kiosk.post("/api/v1/tickets", json={"service": "A"}, headers={"X-Kiosk-Session": session})
    assert ticket.status_code == 201


def test_rfid_tag_gives_a_full_session(kiosk, demo):
    person = with_pin(demo)[0]
    r = identify(kiosk, scan=person["rfid"])
    assert r.status_code == 200 and r.json["level"] == "full"
    assert letters(kiosk, r.json["session"]).status_code == 200


def test_nik_and_pin_give_a_full_session(kiosk, demo):
    person = with_pin(demo)[1]
    r = identify(kiosk, nik=person["nik"], pin=person["pin"])
    assert r.status_code == 200 and r.json["level"] == "full"


@pytest.mark.parametrize("scan", ["hello", "12345", "", "abc def", "\x00\x01"])
def test_garbage_scans_are_invalid(kiosk, scan):
    r = identify(kiosk, scan=scan)
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_scan"


def test_invalid_temporary_or_kk_scans_are_refused(kiosk, demo, app):
    with app.app_context():  # a temporary NIK recorded by staff is never accepted from a scan
        temp = Resident.create(nik="0317091010900001", name="Sementara", created_at=app.extensions["clock"].utcnow(),
                               updated_at=app.extensions["clock"].utcnow())
    for scan in (temp.nik, "3317093213900001", '{"no_kk": "3317091501260001"}'):
        r = identify(kiosk, scan=scan)
        assert r.status_code == 400 and r.json["error"]["code"] == "invalid_scan", scan


def test_unknown_nik_or_tag_is_unknown_resident(kiosk):
    for scan in (make_nik("331709", date(1999, 9, 9), "L", 9999), "0987654321"):
        r = identify(kiosk, scan=scan)
        assert r.status_code == 404 and r.json["error"]["code"] == "unknown_resident"


def test_inactive_residents_cannot_identify(kiosk, demo, app):
    person = with_pin(demo)[0]
    with app.app_context():
        residents.set_active(Resident.get(Resident.nik == person["nik"]), False, app.extensions["clock"].utcnow())
    assert identify(kiosk, scan=person["nik"]).status_code == 404
    assert identify(kiosk, scan=person["rfid"]).status_code == 404
    r = identify(kiosk, nik=person["nik"], pin=person["pin"])
    assert r.status_code == 401 and r.json["error"]["code"] == "wrong_pin"


def test_wrong_pin_and_unknown_nik_answer_the_same(kiosk, demo):
    person = with_pin(demo)[0]
    wrong = identify(kiosk, nik=person["nik"], pin="000000")
    unknown = identify(kiosk, nik=make_nik("331709", date(1980, 1, 1), "P", 4321), pin=person["pin"])
    nonsense = identify(kiosk, nik="1234567890123456", pin="123456")
    no_pin_yet = identify(kiosk, nik=without_pin(demo)[0]["nik"], pin="123456")
    for r in (wrong, unknown, nonsense, no_pin_yet):
        assert r.status_code == 401 and r.json == wrong.json


def test_three_wrong_pins_lock_the_nik_for_sixty_seconds_on_every_kiosk(kiosk, demo, app, travel, client):
    """GIVEN 3 wrong PINs for a NIK THEN even the right PIN answers 429 locked, also from another kiosk,
    until 60 seconds have passed; then the right PIN works again."""
    person = with_pin(demo)[0]
    for _ in range(3):
        assert identify(kiosk, nik=person["nik"], pin="999999").status_code == 401
    r = identify(kiosk, nik=person["nik"], pin=person["pin"])
    assert r.status_code == 429 and r.json["error"]["code"] == "locked"
    with app.app_context():
        _device, other_token = register_device("Kiosk Teras", "kiosk", app.extensions["clock"].utcnow())
    other = client.post("/api/v1/identify", json={"nik": person["nik"], "pin": person["pin"]},
                        headers={"Authorization": f"Bearer {other_token}"})
    assert other.status_code == 429
    other_person = with_pin(demo)[1]  # the lock is per NIK
    assert identify(kiosk, nik=other_person["nik"], pin=other_person["pin"]).status_code == 200
    travel(seconds=59)
    assert identify(kiosk, nik=person["nik"], pin=person["pin"]).status_code == 429
    travel(seconds=2)
    assert identify(kiosk, nik=person["nik"], pin=person["pin"]).status_code == 200


def test_a_right_pin_resets_the_count(kiosk, demo):
    person = with_pin(demo)[0]
    for _ in range(2):
        identify(kiosk, nik=person["nik"], pin="999999")
    assert identify(kiosk, nik=person["nik"], pin=person["pin"]).status_code == 200
    for _ in range(2):
        identify(kiosk, nik=person["nik"], pin="999999")
    assert identify(kiosk, nik=person["nik"], pin=person["pin"]).status_code == 200


def test_session_expires_after_five_minutes(kiosk, demo, travel):
    session = identify(kiosk, scan=with_pin(demo)[0]["rfid"]).json["session"]
    travel(seconds=299)
    assert letters(kiosk, session).status_code == 200
    travel(seconds=2)
    r = letters(kiosk, session)
    assert r.status_code == 401 and r.json["error"]["code"] == "invalid_session"


def test_session_is_bound_to_its_device(kiosk, demo, app, client):
    session = identify(kiosk, scan=with_pin(demo)[0]["rfid"]).json["session"]
    with app.app_context():
        _device, other_token = register_device("Kiosk Teras", "kiosk", app.extensions["clock"].utcnow())
    r = client.get("/api/v1/letters", headers={"Authorization": f"Bearer {other_token}", "X-Kiosk-Session": session})
    assert r.status_code == 401 and r.json["error"]["code"] == "invalid_session"
    assert kiosk.post("/api/v1/tickets", json={"service": "A"},
                      headers={"X-Kiosk-Session": session}).status_code == 201
    stolen = client.post("/api/v1/tickets", json={"service": "A"},
                         headers={"Authorization": f"Bearer {other_token}", "X-Kiosk-Session": session})
    assert stolen.status_code == 401


def test_missing_or_made_up_sessions_are_invalid(kiosk):
    assert letters(kiosk, "").json["error"]["code"] == "invalid_session"
    assert letters(kiosk, "x" * 43).status_code == 401
    assert kiosk.get("/api/v1/letters").status_code == 401


def test_sessions_are_stored_hashed(kiosk, demo, app):
    session = identify(kiosk, scan=demo["residents"][0]["nik"]).json["session"]
    with app.app_context():
        stored = [s.token_hash for s in KioskSession.select()]
    assert session not in stored and len(stored) == 1


def test_a_device_may_identify_sixty_times_a_minute_then_is_limited(kiosk, demo, app, travel):
    nik = demo["residents"][0]["nik"]
    limit = app.extensions["edge_config"].identify_per_minute
    assert limit >= 60
    for _ in range(limit):
        assert identify(kiosk, scan=nik).status_code == 200
    r = identify(kiosk, scan=nik)
    assert r.status_code == 429 and r.json["error"]["code"] == "too_many_requests"
    travel(seconds=61)
    assert identify(kiosk, scan=nik).status_code == 200


@pytest.mark.parametrize("body", [{}, {"nik": "3317"}, {"scan": 5}, {"nik": 3317, "pin": "1"}, {"pin": "123456"},
                                  {"nik": "0317091010900001", "pin": "123456"}])
def test_bad_identify_bodies_are_400(kiosk, body):
    assert identify(kiosk, **body).status_code == 400


def test_identify_needs_a_device_token(client, demo):
    assert client.post("/api/v1/identify", json={"scan": demo["residents"][0]["nik"]}).status_code == 401


def test_logs_never_carry_a_full_nik_or_pin(kiosk, demo, caplog):
    person = with_pin(demo)[0]
    caplog.set_level("INFO")  # (peewee logs SQL parameters at DEBUG; production runs at INFO)
    identify(kiosk, scan=person["nik"])
    identify(kiosk, nik=person["nik"], pin="999999")
    identify(kiosk, nik=person["nik"], pin=person["pin"])
    assert person["nik"] not in caplog.text and person["pin"] not in caplog.text
