"""POST /api/v1/tickets below Flask (api/ticket_route.py): a plain take is answered without Flask, every other
case is handed to Flask untouched and answered there."""
from __future__ import annotations

import pytest

from anjungan_core.ids import keyed_uuid, time_ordered_uuid
from edge_server.api.ticket_route import TicketRoute
from edge_server.models import OutboxEvent, Ticket
from edge_server.sync.outbox import catch_up_issued_events


@pytest.fixture
def flask_calls(app):
    """Counts the requests the route hands to Flask (which still answers them)."""
    route = app.wsgi_app
    assert isinstance(route, TicketRoute)
    calls = []
    flask_wsgi = route.wsgi_app

    def counted(environ, start_response):
        calls.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        return flask_wsgi(environ, start_response)

    route.wsgi_app = counted
    yield calls
    route.wsgi_app = flask_wsgi


def test_a_plain_take_is_answered_without_flask_and_equals_the_ticket_read_back(kiosk, flask_calls):
    """GIVEN a kiosk with its token WHEN it takes a ticket with an Idempotency-Key THEN the answer is a 201
    that Flask never saw, its ticket, outbox event and key are stored, and a GET (through Flask) says the same."""
    key = time_ordered_uuid()
    taken = kiosk.post("/api/v1/tickets", json={"service": "A"}, headers={"Idempotency-Key": key})
    assert taken.status_code == 201 and taken.mimetype == "application/json"
    assert flask_calls == []
    ticket = taken.get_json()["ticket"]
    stored = Ticket.get_by_id(ticket["id"])
    assert stored.id == keyed_uuid(f"ticket {stored.device_id}", key) and stored.status == "waiting"
    assert stored.request_key is None and len(stored.request_hash) == 16  # the key is the id: no index of keys
    assert catch_up_issued_events() == 1  # its event, written from the ticket row
    assert ticket["id"] in OutboxEvent.select().where(OutboxEvent.type == "ticket.issued").get().data
    assert kiosk.get(f"/api/v1/tickets/{ticket['id']}").get_json() == taken.get_json()
    assert flask_calls == [("GET", f"/api/v1/tickets/{ticket['id']}")]


def test_a_retry_with_the_same_key_is_handed_to_flask_and_gets_the_same_ticket(kiosk, flask_calls):
    key = {"Idempotency-Key": time_ordered_uuid()}
    first = kiosk.post("/api/v1/tickets", json={"service": "B"}, headers=key)
    again = kiosk.post("/api/v1/tickets", json={"service": "B"}, headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["ticket"]["id"] == first.get_json()["ticket"]["id"]
    assert flask_calls == [("POST", "/api/v1/tickets")]  # only the replay
    after = kiosk.post("/api/v1/tickets", json={"service": "B"}, headers={"Idempotency-Key": time_ordered_uuid()})
    # the refused insert of the replay took back its number: no gap
    assert (first.get_json()["ticket"]["number"], after.get_json()["ticket"]["number"]) == ("B-001", "B-002")
    conflict = kiosk.post("/api/v1/tickets", json={"service": "C"}, headers=key)
    assert conflict.status_code == 409 and conflict.get_json()["error"]["code"] == "idempotency_conflict"


@pytest.mark.parametrize(("headers", "body", "status", "code"), [
    ({"Authorization": "Bearer not-a-token"}, {"service": "A"}, 401, "invalid_token"),
    ({}, {"service": "A", "extra": 1}, 400, "invalid_body"),
    ({}, {"service": "Z"}, 404, "unknown_service"),
    ({}, [1, 2], 400, "invalid_json"),
    ({"Idempotency-Key": " "}, {"service": "A"}, 400, "invalid_idempotency_key"),
])
def test_every_refusal_is_flasks_and_writes_nothing(kiosk, flask_calls, headers, body, status, code):
    before = Ticket.select().count()
    answer = kiosk.post("/api/v1/tickets", json=body, headers=headers)
    assert answer.status_code == status and answer.get_json()["error"]["code"] == code
    assert flask_calls == [("POST", "/api/v1/tickets")]
    assert Ticket.select().count() == before


def test_a_refusal_handed_over_is_in_the_language_flask_chooses(kiosk, flask_calls):
    answer = kiosk.post("/api/v1/tickets?lang=en", json={"service": "Z"})
    assert answer.status_code == 404
    assert "Layanan" not in answer.get_json()["error"]["message"]


def test_a_body_flask_must_judge_is_handed_over_whole(client, demo, flask_calls):
    """A body without a length, or over 64 KiB, reaches Flask as it was sent."""
    auth = {"Authorization": f"Bearer {demo['kiosk_token']}", "Content-Type": "application/json"}
    too_big = client.post("/api/v1/tickets", data=b'{"service": "A", "x": "' + b"a" * 70_000 + b'"}', headers=auth)
    assert too_big.status_code == 413 and too_big.get_json()["error"]["code"] == "body_too_large"
    empty = client.post("/api/v1/tickets", data=b"", headers=auth)
    assert empty.status_code == 400 and empty.get_json()["error"]["code"] == "invalid_json"
    assert flask_calls == [("POST", "/api/v1/tickets")] * 2


def test_a_failed_take_is_handed_to_flask_which_answers_a_json_error(app, kiosk, flask_calls, monkeypatch):
    """GIVEN a take that fails in the database WHEN a kiosk takes a ticket THEN nothing is stored, Flask gets the
    request and answers the contract's JSON 500 (not a bare server error)."""
    import edge_server.queue.issuing as issuing

    def broken(order):
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(issuing, "take", broken)
    before = Ticket.select().count()
    answer = kiosk.post("/api/v1/tickets", json={"service": "A"})
    assert answer.status_code == 500 and answer.get_json()["error"]["code"] == "internal_error"
    assert flask_calls == [("POST", "/api/v1/tickets")]
    assert Ticket.select().count() == before


def test_other_routes_go_to_flask(kiosk, flask_calls):
    assert kiosk.get("/api/v1/services").status_code == 200
    assert kiosk.post("/api/v1/tickets/none/printed", json={"printed": True}).status_code == 404
    assert [path for _method, path in flask_calls] == ["/api/v1/services", "/api/v1/tickets/none/printed"]


def test_a_kiosk_paired_or_revoked_meanwhile_is_known_at_once_and_a_heartbeat_reloads_nothing(app, client, kiosk,
                                                                                               flask_calls):
    """The route finds tokens in the per-process catalog: a kiosk registered after it was loaded takes tickets at
    once, a revoked one is refused at once (by Flask, the route handing over), and a heartbeat (which updates the
    device row) does not make the catalog reload."""
    from edge_server.devices import register_device, revoke
    from edge_server.models import Device

    now = app.extensions["clock"].utcnow()
    assert kiosk.post("/api/v1/tickets", json={"service": "A"}).status_code == 201  # the catalog is loaded
    device, token = register_device("Anjungan 2", "kiosk", now)
    second = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/tickets", json={"service": "A"}, headers=second).status_code == 201
    assert flask_calls == []
    catalog = app.extensions["queue_catalog"]
    loaded = catalog._loaded[0]
    beat = client.post("/api/v1/devices/heartbeat", json={"printer": {"online": True, "paper": "low"},
                                                         "scanner": {"connected": True}}, headers=second)
    assert beat.status_code == 200
    assert "low" in Device.get_by_id(device.id).printer  # the heartbeat wrote the row
    assert client.post("/api/v1/tickets", json={"service": "A"}, headers=second).status_code == 201
    assert catalog._loaded[0] == loaded
    revoke(device.id, now)
    refused = client.post("/api/v1/tickets", json={"service": "A"}, headers=second)
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "invalid_token"


def test_a_service_closed_since_the_view_was_read_is_refused_by_the_take_itself(app, kiosk, flask_calls):
    """The route reads no catalog version: GIVEN its view was read while service A was open WHEN A is switched off
    (a trigger moves the version) THEN the take's own statement issues nothing, Flask reads the catalog again and
    refuses, and no number is lost; reopened, A goes on from the next number."""
    from edge_server.models import Service

    first = kiosk.post("/api/v1/tickets", json={"service": "A"}, headers={"Idempotency-Key": time_ordered_uuid()})
    assert first.status_code == 201 and flask_calls == []
    catalog = app.extensions["queue_catalog"]
    read_open = catalog._loaded[0]
    Service.update(is_open=False).where(Service.code == "A").execute()
    assert catalog.cached(app.extensions["clock"].zone, app.extensions["clock"].business_date()).services[
        "A"].is_open  # the route's view still says open
    refused = kiosk.post("/api/v1/tickets", json={"service": "A"}, headers={"Idempotency-Key": time_ordered_uuid()})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "service_closed"
    assert flask_calls == [("POST", "/api/v1/tickets")]
    assert catalog._loaded[0] != read_open  # Flask read the catalog again
    a_id = Ticket.get_by_id(first.get_json()["ticket"]["id"]).issued_service_id
    assert Ticket.select().where(Ticket.issued_service == a_id).count() == 1  # the refused take wrote nothing
    Service.update(is_open=True).where(Service.code == "A").execute()
    again = kiosk.post("/api/v1/tickets", json={"service": "A"}, headers={"Idempotency-Key": time_ordered_uuid()})
    assert again.status_code == 201
    assert (first.get_json()["ticket"]["number"], again.get_json()["ticket"]["number"]) == ("A-001", "A-002")
