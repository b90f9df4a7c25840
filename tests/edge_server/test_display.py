"""The TV board: page, state, and the server-sent event stream of calls."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from edge_server.db import database
from edge_server.models import Announcement, CallEvent


@pytest.fixture
def fast_streams(app):
    """Streams that poll every 20 ms, beat every 0.2 s and end after 5 s, so tests stay quick."""
    app.extensions["display_stream_options"] = {"poll": 0.02, "heartbeat": 0.2, "max_seconds": 5}
    return app


def take(kiosk, service="A") -> dict:
    r = kiosk.post("/api/v1/tickets", json={"service": service})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["ticket"]


def call_next(staff, counter=1) -> dict:
    r = staff.post(f"/staff/api/counters/{counter}/call-next")
    assert r.status_code == 200, r.get_json()
    return r.get_json()["ticket"]


class Stream:
    """Reads a streamed /display/events response chunk by chunk (the generator runs in this thread)."""

    def __init__(self, response):
        self.response = response
        self.chunks = iter(response.response)
        self.text = ""

    def read_until(self, pattern: str, max_chunks: int = 400) -> re.Match:
        for _ in range(max_chunks):
            match = re.search(pattern, self.text)
            if match:
                return match
            self.text += next(self.chunks).decode()
        raise AssertionError(f"{pattern!r} not in stream: {self.text!r}")

    def events(self) -> list[dict]:
        return [json.loads(m) for m in re.findall(r"event: call\ndata: (.*)\n\n", self.text)]

    def close(self):
        self.response.close()


def open_stream(client, **kw) -> Stream:
    response = client.get("/display/events", buffered=False, **kw)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    return Stream(response)


def test_stream_yields_a_call_made_after_connecting(client, kiosk, staff, fast_streams):
    ticket = take(kiosk)
    stream = open_stream(client)
    stream.read_until(r"retry: \d+")
    called = call_next(staff, counter=2)
    stream.read_until(r"event: call\ndata: .*\n\n")
    [event] = stream.events()
    assert event["ticket_id"] == ticket["id"] == called["id"]
    assert event["number"] == "A-001"
    assert event["counter"] == 2
    assert event["kind"] == "call"
    assert event["text"] == "Nomor antrian A satu, silakan menuju loket dua."
    assert event["audio_url"] == f"/display/calls/{ticket['id']}/audio.wav"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["at"])
    assert f"id: {event['id']}\n" in stream.text
    stream.close()


def test_recall_is_streamed_as_recall(client, kiosk, staff, fast_streams):
    ticket = take(kiosk)
    call_next(staff)
    stream = open_stream(client)
    stream.read_until(r"retry")
    assert staff.post(f"/staff/api/tickets/{ticket['id']}/recall").status_code == 200
    stream.read_until(r"event: call\n")
    assert [e["kind"] for e in stream.events()] == ["recall"]
    stream.close()


def test_a_new_board_does_not_get_old_calls_but_a_reconnecting_one_gets_what_it_missed(client, kiosk, staff,
                                                                                       fast_streams):
    for _ in range(3):
        take(kiosk)
    for _ in range(3):
        call_next(staff)
    ids = [e.id for e in CallEvent.select().order_by(CallEvent.id)]

    fresh = open_stream(client)
    fresh.read_until(r": heartbeat")  # a beat came and still no call: old calls are not replayed
    assert fresh.events() == []
    fresh.close()

    back = open_stream(client, headers={"Last-Event-ID": str(ids[0])})
    back.read_until(rf"id: {ids[2]}\n.*\n.*\n\n")
    assert [e["id"] for e in back.events()] == ids[1:]
    assert [e["number"] for e in back.events()] == ["A-002", "A-003"]
    back.close()

    # A board that re-created its EventSource says where it was with ?after=; Last-Event-ID wins if both come.
    after = open_stream(client, query_string={"after": ids[1]})
    after.read_until(rf"id: {ids[2]}\n")
    assert [e["id"] for e in after.events()] == ids[2:]
    after.close()
    both = open_stream(client, query_string={"after": ids[0]}, headers={"Last-Event-ID": str(ids[1])})
    both.read_until(rf"id: {ids[2]}\n")
    assert [e["id"] for e in both.events()] == ids[2:]
    both.close()


def test_stream_sends_heartbeats_and_holds_no_database_connection_between_polls(client, fast_streams):
    stream = open_stream(client)
    stream.read_until(r"retry")
    for _ in range(3):
        stream.read_until(r": heartbeat\n\n")
        stream.text = ""
        # The generator runs in this thread and is paused between polls: its connection must be closed.
        assert database.is_closed()
    stream.close()


def test_stream_ends_when_the_server_stops_and_frees_its_slot(app, client, fast_streams):
    hub = app.extensions["display_streams"]
    app.extensions["display_stream_options"] = {"poll": 0.02, "heartbeat": 60, "max_seconds": 600}
    stream = open_stream(client)
    stream.read_until(r"retry")
    assert hub.open_streams == 1
    hub.stop()
    rest = list(stream.chunks)  # ends at the next poll instead of running for 600 s
    assert rest == []
    stream.close()
    assert hub.open_streams == 0
    assert client.get("/display/events").status_code == 503  # a stopping server opens no new stream


def test_streams_are_bounded_so_boards_cannot_take_every_worker_thread(app, client, fast_streams):
    hub = app.extensions["display_streams"]
    streams = [open_stream(client) for _ in range(hub.max_streams)]
    refused = client.get("/display/events")
    assert refused.status_code == 503
    assert refused.headers["Retry-After"]
    streams[0].close()
    again = open_stream(client)  # a closed stream gives its slot back
    for s in streams[1:] + [again]:
        s.close()
    assert hub.open_streams == 0


def test_board_page_shows_counters_calls_and_board_announcements(client, kiosk, staff, clock):
    now = clock.utcnow()
    Announcement.create(title="Posyandu balita", body="Sabtu pukul 08.00 di balai desa", audience="board")
    Announcement.create(title="Kerja bakti", body="", audience="both", starts=now - timedelta(hours=1),
                        ends=now + timedelta(hours=1))
    Announcement.create(title="Hanya di anjungan", audience="kiosk")
    Announcement.create(title="Sudah lewat", audience="board", ends=now - timedelta(minutes=1))
    Announcement.create(title="Belum mulai", audience="board", starts=now + timedelta(hours=2))
    Announcement.create(title="Dimatikan", audience="board", active=False)
    take(kiosk)
    take(kiosk, "C")
    call_next(staff, counter=1)
    call_next(staff, counter=2)
    database.close()

    html = client.get("/display").get_data(as_text=True)
    assert "Desa Mojowarno" in html
    assert "Posyandu balita: Sabtu pukul 08.00 di balai desa" in html
    assert "Kerja bakti" in html
    for hidden in ("Hanya di anjungan", "Sudah lewat", "Belum mulai", "Dimatikan"):
        assert hidden not in html
    boxes = dict(re.findall(r'data-counter="(\d)">\s*<h2[^>]*>[^<]*</h2>\s*<p[^>]*>([^<]*)</p>', html))
    assert boxes == {"1": "A-001", "2": "C-001"}
    assert "Aktifkan suara" in html
    # Nothing comes from the internet: every script and stylesheet is our own.
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert client.get("/static/display.js").status_code == 200
    assert client.get("/static/display.css").status_code == 200


def test_board_page_says_welcome_when_there_is_no_announcement(client):
    html = client.get("/display").get_data(as_text=True)
    assert "Selamat datang di Balai Desa Mojowarno" in html


def test_state_has_the_current_call_per_counter_and_the_last_ten_calls(client, kiosk, staff, travel):
    take(kiosk)
    call_next(staff, counter=1)
    travel(days=1)  # yesterday's calls are not today's board
    for _ in range(12):
        take(kiosk)
    for i in range(12):
        call_next(staff, counter=1 + i % 2)
    state = client.get("/display/state").get_json()
    assert [c["number"] for c in state["counters"]] == [1, 2]
    assert state["counters"][0]["current"]["number"] == "A-011"
    assert state["counters"][1]["current"]["number"] == "A-012"
    assert [e["number"] for e in state["recent"]] == [f"A-{n:03d}" for n in range(12, 2, -1)]
    assert state["last_event_id"] == state["recent"][0]["id"] == CallEvent.select().count()
    assert state["timezone"] == "Asia/Jakarta"


def test_state_before_any_call_shows_empty_counters(client):
    state = client.get("/display/state").get_json()
    assert [c["current"] for c in state["counters"]] == [None, None]
    assert state["recent"] == [] and state["last_event_id"] == 0


def test_board_needs_no_login(client):
    for url in ("/display", "/display/state"):
        assert client.get(url).status_code == 200


def test_database_watch_sees_each_commit_and_stays_quiet_otherwise(app, kiosk):
    """Streams only query after a write: the watch answers from a stat of the database and its WAL file."""
    from edge_server.display.stream import DatabaseWatch

    now = [0.0]
    watch = DatabaseWatch(app.extensions["edge_config"].database_path, fallback=5.0, monotonic=lambda: now[0])
    assert watch.changed()  # the first look always queries
    assert not watch.changed()
    take(kiosk)  # a commit
    assert watch.changed()
    assert not watch.changed()
    now[0] += 5.0  # and every few seconds anyway
    assert watch.changed()
    assert not watch.changed()
