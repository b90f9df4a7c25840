"""The kiosk API through the Flask test client: contract shapes, auth, idempotency and every error case."""
import json
from datetime import timedelta

import pytest

from edge_server.db import database, write_transaction
from edge_server.models import Service, Ticket
from edge_server.sync.outbox import catch_up_issued_events


def error_of(response):
    assert response.is_json, response.data[:200]
    body = response.get_json()
    assert set(body["error"]) >= {"code", "message"} and body["error"]["message"]
    return body["error"]["code"]


def test_health_needs_no_token_and_names_the_village(client):
    r = client.get("/api/v1/health")
    assert r.status_code == 200
    assert r.get_json()["status"] == "ok"
    assert r.get_json()["village"] == {"code": "33.17.09.2016", "name": "Mojowarno", "timezone": "Asia/Jakarta"}


def test_openapi_spec_lists_the_contract_paths(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/health", "/devices/pair", "/devices/heartbeat", "/services", "/tickets", "/tickets/{id}",
                 "/identify", "/letter-types", "/letters"):
        assert path in spec["paths"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"},
                                     {"Authorization": "Bearer "}])
def test_services_need_a_valid_device_token(client, headers):
    r = client.get("/api/v1/services", headers=headers)
    assert r.status_code == 401 and error_of(r) == "invalid_token"


def test_services_list_with_waiting_and_estimate(kiosk):
    kiosk.post("/api/v1/tickets", json={"service": "A"})
    kiosk.post("/api/v1/tickets", json={"service": "A"})
    services = {s["code"]: s for s in kiosk.get("/api/v1/services").get_json()["services"]}
    assert set(services) == {"A", "B", "C"}
    assert services["A"]["waiting"] == 2 and services["B"]["waiting"] == 0
    assert services["A"]["open"] is True
    assert services["A"]["estimated_wait_minutes"] > services["B"]["estimated_wait_minutes"] == 0


def test_ticket_has_the_contract_shape_and_numbers_count_up(kiosk):
    first = kiosk.post("/api/v1/tickets", json={"service": "A"})
    second = kiosk.post("/api/v1/tickets", json={"service": "a", "priority": False})
    other = kiosk.post("/api/v1/tickets", json={"service": "B"})
    assert first.status_code == second.status_code == other.status_code == 201
    t1, t2, t3 = (r.get_json()["ticket"] for r in (first, second, other))
    assert {"id", "number", "service", "service_name", "business_date", "priority", "status", "issued_at",
            "position", "estimated_wait_minutes", "track_url"} <= set(t1)
    assert (t1["number"], t2["number"], t3["number"]) == ("A-001", "A-002", "B-001")
    assert t1["status"] == "waiting" and t1["position"] == 0 and t2["position"] == 1
    assert t2["track_url"].startswith("http") and "/t/" in t2["track_url"]
    assert len(t2["track_url"].rsplit("/", 1)[1]) >= 22  # >= 128 random bits
    assert kiosk.get(f"/api/v1/tickets/{t2['id']}").get_json()["ticket"]["number"] == "A-002"


def test_priority_ticket_goes_ahead_of_regular_ones(kiosk):
    kiosk.post("/api/v1/tickets", json={"service": "A"})
    kiosk.post("/api/v1/tickets", json={"service": "A"})
    prio = kiosk.post("/api/v1/tickets", json={"service": "A", "priority": True}).get_json()["ticket"]
    assert prio["priority"] is True and prio["position"] == 0
    second = kiosk.post("/api/v1/tickets", json={"service": "A", "priority": True}).get_json()["ticket"]
    assert second["position"] == 1  # behind the first priority ticket, ahead of the two regular ones
    regular = kiosk.post("/api/v1/tickets", json={"service": "A"}).get_json()["ticket"]
    assert regular["position"] == 4


def test_same_idempotency_key_returns_the_same_ticket(kiosk):
    headers = {"Idempotency-Key": "k-123"}
    first = kiosk.post("/api/v1/tickets", json={"service": "A"}, headers=headers)
    again = kiosk.post("/api/v1/tickets", json={"service": "A"}, headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert first.get_json()["ticket"]["id"] == again.get_json()["ticket"]["id"]
    assert Ticket.select().count() == 1


def test_same_key_with_another_body_is_a_conflict(kiosk):
    kiosk.post("/api/v1/tickets", json={"service": "A"}, headers={"Idempotency-Key": "k-1"})
    r = kiosk.post("/api/v1/tickets", json={"service": "B"}, headers={"Idempotency-Key": "k-1"})
    assert r.status_code == 409 and error_of(r) == "idempotency_conflict"
    assert Ticket.select().count() == 1


def test_idempotency_keys_belong_to_one_device(app, client, kiosk):
    from edge_server.devices import register_device

    with app.app_context():
        _dev, other_token = register_device("Kiosk 2", "kiosk", app.extensions["clock"].utcnow())
    a = kiosk.post("/api/v1/tickets", json={"service": "A"}, headers={"Idempotency-Key": "same"})
    b = client.post("/api/v1/tickets", json={"service": "A"},
                    headers={"Idempotency-Key": "same", "Authorization": f"Bearer {other_token}"})
    assert a.status_code == b.status_code == 201
    assert a.get_json()["ticket"]["id"] != b.get_json()["ticket"]["id"]


def test_idempotency_key_is_kept_through_the_business_day(kiosk, travel):
    first = kiosk.post("/api/v1/tickets", json={"service": "A"}, headers={"Idempotency-Key": "day"})
    travel(hours=3)
    again = kiosk.post("/api/v1/tickets", json={"service": "A"}, headers={"Idempotency-Key": "day"})
    assert again.status_code == 200
    assert again.get_json()["ticket"]["id"] == first.get_json()["ticket"]["id"]


@pytest.mark.parametrize("body", [
    "not json", "[1, 2]", '"A"', "123", "null", "{", '{"service": 1}', '{"service": ""}', '{"service": "AB"}',
    '{"service": "1"}', '{"service": null}', '{"service": "A", "priority": "yes"}', '{"service": ["A"]}',
    '{"service": "A", "extra": 1}', '{}', "\xff\xfe",
])
def test_bad_bodies_are_400_json(kiosk, body):
    r = kiosk.post("/api/v1/tickets", data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.data
    assert error_of(r) in ("invalid_json", "invalid_body")


def test_empty_body_is_400(kiosk):
    r = kiosk.post("/api/v1/tickets")
    assert r.status_code == 400 and error_of(r) == "invalid_json"


def test_body_over_64_kib_is_413(kiosk):
    r = kiosk.post("/api/v1/tickets", data=json.dumps({"service": "A", "x": "y" * 70000}),
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and error_of(r) == "body_too_large"


def test_unknown_service_is_404(kiosk):
    r = kiosk.post("/api/v1/tickets", json={"service": "Z"})
    assert r.status_code == 404 and error_of(r) == "unknown_service"


def test_closed_service_refuses_tickets_with_409(app, kiosk):
    with app.app_context():
        Service.update(is_open=False).where(Service.code == "C").execute()
    r = kiosk.post("/api/v1/tickets", json={"service": "C"})
    assert r.status_code == 409 and error_of(r) == "service_closed"
    assert "tutup" in r.get_json()["error"]["message"]


def test_daily_cap_refuses_once_reached_and_restarts_next_day(app, kiosk, travel):
    with app.app_context():
        Service.update(daily_cap=2).where(Service.code == "B").execute()
    assert kiosk.post("/api/v1/tickets", json={"service": "B"}).status_code == 201
    assert kiosk.post("/api/v1/tickets", json={"service": "B"}).status_code == 201
    r = kiosk.post("/api/v1/tickets", json={"service": "B"})
    assert r.status_code == 409 and error_of(r) == "service_full"
    travel(days=1)
    again = kiosk.post("/api/v1/tickets", json={"service": "B"})
    assert again.status_code == 201 and again.get_json()["ticket"]["number"] == "B-001"


def test_numbers_restart_at_local_midnight_not_utc(app, kiosk, clock):
    """GIVEN a server clock on UTC WHEN it passes 17:00 UTC (midnight WIB) THEN numbering restarts."""
    from datetime import datetime, timezone

    now = clock.now()
    target = now.replace(hour=16, minute=59, second=0, microsecond=0, tzinfo=timezone.utc)
    if target < now:
        target += timedelta(days=1)
    clock.travel(target - now)
    before = kiosk.post("/api/v1/tickets", json={"service": "A"}).get_json()["ticket"]
    clock.travel(timedelta(minutes=2))  # 17:01 UTC = 00:01 WIB
    after = kiosk.post("/api/v1/tickets", json={"service": "A"}).get_json()["ticket"]
    assert after["number"] == "A-001"
    assert after["business_date"] > before["business_date"]
    assert datetime.fromisoformat(after["issued_at"].replace("Z", "+00:00")).hour == 17


def test_unknown_ticket_is_404(kiosk):
    r = kiosk.get("/api/v1/tickets/does-not-exist")
    assert r.status_code == 404 and error_of(r) == "unknown_ticket"


def test_unknown_api_path_and_wrong_method_are_json(kiosk):
    r = kiosk.get("/api/v1/nothing-here")
    assert r.status_code == 404 and error_of(r) == "not_found"
    r = kiosk.get("/api/v1/devices/pair")
    assert r.status_code == 405 and error_of(r) == "method_not_allowed"


def test_pairing_code_works_once(client, demo):
    r = client.post("/api/v1/devices/pair", json={"code": demo["pairing_code"], "name": "Kiosk Teras"})
    assert r.status_code == 201
    token = r.get_json()["token"]
    assert len(token) >= 32
    assert client.get("/api/v1/services", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    again = client.post("/api/v1/devices/pair", json={"code": demo["pairing_code"], "name": "Kiosk Lain"})
    assert again.status_code == 401 and error_of(again) == "invalid_pairing_code"


def test_pairing_code_expires(client, demo, travel):
    travel(minutes=61)
    r = client.post("/api/v1/devices/pair", json={"code": demo["pairing_code"], "name": "Kiosk"})
    assert r.status_code == 401


def test_failed_pairing_tries_are_rate_limited(client, demo):
    codes = [client.post("/api/v1/devices/pair", json={"code": f"{i:06d}", "name": "x"}).status_code
             for i in range(12)]
    assert codes[:10] == [401] * 10
    assert codes[10] == 429
    r = client.post("/api/v1/devices/pair", json={"code": demo["pairing_code"], "name": "x"})
    assert r.status_code == 429 and error_of(r) == "too_many_tries"


def test_checking_a_pairing_code_says_until_when_and_does_not_use_it(client, demo, travel):
    """GIVEN the demo's pairing code WHEN a technician's dry run checks it THEN it is valid with its expiry, and
    pairing with it still works afterwards; a wrong code answers 401 like pairing."""
    r = client.post("/api/v1/devices/pair/check", json={"code": demo["pairing_code"]})
    assert r.status_code == 200 and r.get_json()["valid"] is True and r.get_json()["kind"] == "kiosk"
    assert r.get_json()["expires_at"].endswith("Z")
    wrong = client.post("/api/v1/devices/pair/check", json={"code": "000000"})
    assert wrong.status_code == 401 and error_of(wrong) == "invalid_pairing_code"
    assert client.post("/api/v1/devices/pair/check", data="[]",
                       headers={"Content-Type": "application/json"}).status_code == 400
    assert client.post("/api/v1/devices/pair", json={"code": demo["pairing_code"], "name": "K"}).status_code == 201
    used = client.post("/api/v1/devices/pair/check", json={"code": demo["pairing_code"]})
    assert used.status_code == 401


@pytest.mark.parametrize("body", ['{"name": "x"}', '{"code": 123456}', '{"code": "1", "name": ""}', "[]"])
def test_pairing_bad_bodies(client, body):
    r = client.post("/api/v1/devices/pair", data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400


def test_heartbeat_is_stored_and_shown_to_staff(kiosk, staff):
    body = {"version": "0.1.0", "printer": {"online": True, "paper": "low"}, "scanner": {"connected": True}}
    assert kiosk.post("/api/v1/devices/heartbeat", json=body).status_code == 200
    devices = staff.get("/staff/api/devices").get_json()["devices"]
    lobby = next(d for d in devices if d["name"] == "Kiosk Lobi")
    assert lobby["printer"] == {"online": True, "paper": "low"}
    assert lobby["scanner"] == {"connected": True}
    assert lobby["version"] == "0.1.0" and lobby["last_seen"]


@pytest.mark.parametrize("body", ['{"printer": {"paper": "wet"}}', '{"printer": "on"}', '{"version": 3}'])
def test_heartbeat_bad_bodies(kiosk, body):
    r = kiosk.post("/api/v1/devices/heartbeat", data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and error_of(r) == "invalid_body"


def test_revoked_token_stops_working(app, kiosk, demo):
    from edge_server.devices import device_for_token, revoke

    with app.app_context():
        device = device_for_token(demo["kiosk_token"])
        revoke(device.id, app.extensions["clock"].utcnow())
    assert kiosk.get("/api/v1/services").status_code == 401


def test_print_report_marks_ticket_for_reprint(app, kiosk):
    ticket = kiosk.post("/api/v1/tickets", json={"service": "A"}).get_json()["ticket"]
    r = kiosk.post(f"/api/v1/tickets/{ticket['id']}/printed", json={"printed": False, "error": "paper out"})
    assert r.status_code == 200
    with app.app_context():
        stored = Ticket.get_by_id(ticket["id"])
        assert stored.printed is False and stored.print_error == "paper out"


def test_every_ticket_writes_an_outbox_event_without_identity(app, kiosk):
    from edge_server.models import OutboxEvent

    for service in "AAB":
        kiosk.post("/api/v1/tickets", json={"service": service})
    with app.app_context():
        catch_up_issued_events()
        events = list(OutboxEvent.select().order_by(OutboxEvent.seq))
    assert [e.seq for e in events] == [1, 2, 3]
    assert all(e.type == "ticket.issued" for e in events)
    assert json.loads(events[2].data)["number"] == "B-001"


def test_sequence_guard_survives_a_half_written_day(app, kiosk):
    """A sequence row that lags behind existing tickets would duplicate a number; the unique index refuses (the
    take runs on the sqlite3 connection itself: sqlite3's error)."""
    from sqlite3 import IntegrityError

    kiosk.post("/api/v1/tickets", json={"service": "A"})
    with app.app_context():
        database.execute_sql("UPDATE queue_tally SET last_number = 0")
        with pytest.raises(IntegrityError):
            with write_transaction():
                from edge_server.queue.service import issue_ticket

                issue_ticket("A", clock=app.extensions["clock"])


def test_info_lists_live_announcements_for_kiosks_and_office_hours(app, kiosk, clock):
    from edge_server.models import Announcement

    now = clock.utcnow()
    with app.app_context():
        Announcement.create(title="Posyandu Balita", body="Sabtu pukul 08.00", audience="kiosk")
        Announcement.create(title="Hanya TV", body="x", audience="board")
        Announcement.create(title="Sudah lewat", body="x", ends=now - timedelta(days=1))
        Announcement.create(title="Belum mulai", body="x", starts=now + timedelta(days=1))
    body = kiosk.get("/api/v1/info").get_json()
    assert body["village"]["name"] == "Mojowarno" and body["village"]["kabupaten"] == "Rembang"
    assert [a["title"] for a in body["announcements"]] == ["Posyandu Balita"]
    hours = {h["service"]: h for h in body["office_hours"]}
    assert set(hours) == {"A", "B", "C"} and hours["A"]["open_now"] is True
    assert hours["A"]["always_open"] is True  # the demo village: open every day all day (CONTRACTS.md)


def test_openapi_describes_every_api_route(app, client):
    """Every /api/v1 route the app serves is in the spec (so clients and schemathesis see all of it)."""
    import re as _re

    spec = client.get("/api/v1/openapi.json").get_json()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1/openapi.json":
            continue
        path = _re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1"):]).replace("{ticket_id}", "{id}")
        assert path in spec["paths"], path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec["paths"][path], (method, path)


def test_services_waiting_follows_calls_and_a_finished_day(app, kiosk):
    """The waiting count comes from the trigger-kept tally: a call takes one off at once, and yesterday's
    waiting tickets do not count today."""
    from datetime import timedelta

    from edge_server.queue import service as queue

    for _ in range(3):
        kiosk.post("/api/v1/tickets", json={"service": "A"})
    clock = app.extensions["clock"]
    with app.app_context():
        assert queue.call_next(1, clock=clock) is not None
    services = {s["code"]: s for s in kiosk.get("/api/v1/services").get_json()["services"]}
    assert services["A"]["waiting"] == 2
    clock.travel(timedelta(days=1))
    services = {s["code"]: s for s in kiosk.get("/api/v1/services").get_json()["services"]}
    assert services["A"]["waiting"] == 0
