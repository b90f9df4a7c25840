"""The resident's ticket page /t/<token>: number, service, status and place in line, and nothing personal."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from edge_server.models import Ticket


def take(kiosk, service="A") -> dict:
    r = kiosk.post("/api/v1/tickets", json={"service": service})
    assert r.status_code == 201
    return r.get_json()["ticket"]


def path(ticket: dict) -> str:
    return urlsplit(ticket["track_url"]).path


def test_page_shows_number_service_and_how_many_are_ahead(client, kiosk):
    for _ in range(2):
        take(kiosk)
    ticket = take(kiosk)
    r = client.get(path(ticket))
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert 'id="t-number">A-003<' in html
    assert "Administrasi Kependudukan" in html
    assert "Menunggu giliran" in html
    assert "2 orang di depan Anda" in html
    assert re.search(r"Perkiraan menunggu sekitar \d+ menit", html)
    assert 'name="viewport"' in html
    assert r.headers["Cache-Control"] == "no-store"


def test_page_follows_the_ticket_through_the_day(client, kiosk, staff):
    first, second = take(kiosk), take(kiosk)
    json_url = path(second) + ".json"
    assert client.get(path(first) + ".json").get_json()["ticket"]["position_label"] == "Anda berikutnya"
    assert client.get(json_url).get_json()["ticket"]["position_label"] == "1 orang di depan Anda"
    staff.post("/staff/api/counters/1/call-next")
    staff.post("/staff/api/counters/2/call-next")
    data = client.get(json_url).get_json()["ticket"]
    assert data["status"] == "called"
    assert data["status_label"] == "Dipanggil, silakan menuju loket 2"
    assert data["position_label"] is None and data["wait_label"] is None
    assert data["number"] == "A-002" and data["open"] is True
    staff.post(f"/staff/api/tickets/{second['id']}/finish")
    html = client.get(path(second)).get_data(as_text=True)
    assert "Selesai dilayani" in html
    assert "fetch(" not in html  # a finished ticket stops polling
    assert "Dipanggil, silakan menuju loket 1" in client.get(path(first)).get_data(as_text=True)


def test_page_shows_no_nik_no_name_and_no_internal_id(client, kiosk, app):
    ticket = take(kiosk)
    Ticket.update(resident_id=1).where(Ticket.id == ticket["id"]).execute()
    for url in (path(ticket), path(ticket) + ".json"):
        body = client.get(url).get_data(as_text=True)
        assert not re.search(r"\d{16}", body)
        assert "NIK" not in body and "nama" not in body.lower()
        assert ticket["id"] not in body


def test_unknown_token_gets_a_friendly_404(client):
    r = client.get("/t/not-a-real-token")
    assert r.status_code == 404
    html = r.get_data(as_text=True)
    assert "Tidak ditemukan" in html and "petugas" in html
    assert "<html" in html
    j = client.get("/t/not-a-real-token.json")
    assert j.status_code == 404 and j.get_json()["error"]["code"] == "unknown_ticket"


def test_page_needs_no_login_and_loads_only_local_files(client, kiosk):
    html = client.get(path(take(kiosk))).get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert client.get("/static/public.css").status_code == 200


def test_board_and_ticket_page_speak_english_from_the_catalog(app, client, kiosk, tmp_path):
    """The English catalog (compiled here as `make setup` does) covers the board and the ticket page."""
    from pathlib import Path

    from babel.messages import mofile, pofile

    source = Path(app.root_path) / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    target = tmp_path / "translations" / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with source.open("rb") as po, (target / "messages.mo").open("wb") as mo:
        mofile.write_mo(mo, pofile.read_po(po))
    app.extensions["babel"].translation_directories[:] = [str(tmp_path / "translations")]

    take(kiosk)
    html = client.get(path(take(kiosk)) + "?lang=en").get_data(as_text=True)
    assert "Your queue number" in html and "1 person ahead of you" in html and "Waiting for your turn" in html
    board = client.get("/display?lang=en").get_data(as_text=True)
    assert "Counter 1" in board and "Turn on sound" in board and "Mojowarno Village" in board
    assert "Not found" in client.get("/t/nope?lang=en").get_data(as_text=True)
