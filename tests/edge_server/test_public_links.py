"""QR links to the hub (`district_public_url`) and what the edge tells the hub for its public pages."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from edge_server.config import ConfigError, load_config
from edge_server.models import LetterRequest, OutboxEvent, Ticket
from edge_server.sync.outbox import catch_up_issued_events
from edge_server.sync.public_links import token_digest

HUB = "https://layanan.rembangkab.go.id"


@pytest.fixture
def cfg(cfg):
    """The edge of tests/edge_server/conftest.py, with the hub's public address configured."""
    return replace(cfg, district_public_url=HUB + "/")


def events(kind: str) -> list[dict]:
    return [json.loads(e.data) for e in OutboxEvent.select().where(OutboxEvent.type == kind).order_by(OutboxEvent.seq)]


def test_without_the_key_the_links_stay_on_the_lan(tmp_path):
    lan = load_config(None, env={}, data_dir=str(tmp_path), host="127.0.0.1", port=8080)
    assert lan.public_pages_url() == "http://127.0.0.1:8080"
    assert replace(lan, district_public_url=HUB + "/").public_pages_url() == HUB
    with pytest.raises(ConfigError, match="district_public_url"):
        load_config(None, env={}, data_dir=str(tmp_path), district_public_url="layanan.rembangkab.go.id")


def test_a_ticket_points_at_the_hub_and_its_digest_travels(kiosk, app):
    ticket = kiosk.post("/api/v1/tickets", json={"service": "A"}).json["ticket"]
    assert ticket["track_url"].startswith(f"{HUB}/t/")
    token = ticket["track_url"].rsplit("/", 1)[1]
    with app.app_context():
        assert Ticket.get_by_id(ticket["id"]).track_token == token
        catch_up_issued_events()
        issued = events("ticket.issued")[-1]
    assert issued["track_hash"] == token_digest(token) and token not in json.dumps(issued)
    assert issued["service_name"] == ticket["service_name"]
    assert kiosk.get(f"/t/{token}").status_code == 200  # the LAN page still answers the same token


def test_a_numbered_letter_sends_its_verification_then_its_cancellation(kiosk, staff, demo, app):
    person = next(r for r in demo["residents"] if "rfid" in r)
    session = kiosk.post("/api/v1/identify", json={"scan": person["rfid"]}).json["session"]
    letter = kiosk.post("/api/v1/letters", json={"type": "S-41", "fields": {"keperluan": "Kredit usaha"}},
                        headers={"X-Kiosk-Session": session}).json["letter"]
    assert letter["track_url"].startswith(f"{HUB}/s/")
    with app.app_context():
        requested = events("letter.requested")[-1]
    assert requested["track_hash"] == token_digest(letter["track_url"].rsplit("/", 1)[1])
    numbered = staff.post(f"/staff/api/letters/{letter['id']}/status", json={"status": 2}).json["letter"]
    assert numbered["verification_url"].startswith(f"{HUB}/verifikasi/")
    code = numbered["verification_url"].rsplit("/", 1)[1]
    assert f'{HUB}/verifikasi/{code}' in staff.get(f"/staff/letters/{letter['id']}/print").text  # the letter's QR
    staff.post(f"/staff/api/letters/{letter['id']}/status", json={"status": 5})
    with app.app_context():
        sent = events("letter.verification")
        name = LetterRequest.get_by_id(letter["id"]).resident.name
    assert [e["status"] for e in sent] == ["valid", "cancelled"]
    first = sent[0]
    assert first["verification_hash"] == token_digest(code) and first["letter_number"] == numbered["letter_number"]
    assert first["type_name"] == numbered["type_name"] and first["issued_on"]
    text = json.dumps(sent)
    assert person["nik"] not in text and name not in text and code not in text
    assert first["name_masked"].count("*") >= len(name.replace(" ", "")) - 2 * len(name.split())


def test_starting_service_is_an_event_too(kiosk, staff, app):
    ticket = kiosk.post("/api/v1/tickets", json={"service": "A"}).json["ticket"]
    called = staff.post("/staff/api/counters/1/call-next", json={}).json["ticket"]
    assert called["id"] == ticket["id"]
    assert staff.post(f"/staff/api/tickets/{ticket['id']}/start", json={}).status_code == 200
    with app.app_context():
        started = events("ticket.started")
    assert started == [{"ticket_id": ticket["id"], "service": "A", "counter": 1}]


def test_the_upgrade_sends_what_the_hub_needs_for_older_letters(kiosk, staff, demo, app):
    """GIVEN a letter numbered before the hub pages existed WHEN migration 21 runs THEN its events are queued."""
    from edge_server.db import database, write_transaction
    from edge_server.migrations import _public_pages_backfill

    person = next(r for r in demo["residents"] if "rfid" in r)
    session = kiosk.post("/api/v1/identify", json={"scan": person["rfid"]}).json["session"]
    letter = kiosk.post("/api/v1/letters", json={"type": "S-41", "fields": {"keperluan": "Sekolah"}},
                        headers={"X-Kiosk-Session": session}).json["letter"]
    numbered = staff.post(f"/staff/api/letters/{letter['id']}/status", json={"status": 3}).json["letter"]
    with app.app_context():
        OutboxEvent.delete().where(OutboxEvent.type == "letter.verification").execute()
        with write_transaction():
            _public_pages_backfill(database.obj)
        tracking = [e for e in events("letter.tracking") if e["letter_id"] == letter["id"]]
        verification = [e for e in events("letter.verification") if e["letter_id"] == letter["id"]]
    assert tracking and tracking[0]["status"] == 3 and tracking[0]["reference"] == letter["reference"]
    assert verification and verification[0]["letter_number"] == numbered["letter_number"]
