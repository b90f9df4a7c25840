"""A take's `ticket.issued` event reaches the outbox even when the edge dies before writing it.

The take commits the ticket row only; the event is written from that row afterwards (edge_server/sync/outbox.py).
So the ticket row is what "written in the same transaction as the change" rests on: a process killed between a
take and the writer's next pass must leave every event to the next start, once each and in the order taken.
"""
from __future__ import annotations

import json
import sqlite3
import time

import requests

from tests.e2e.conftest import EdgeServerProcess

TAKES = 12


def issued_tickets(db_path) -> list[str]:
    """The ticket id of every ticket.issued event in the outbox, in the outbox's order (seq)."""
    with sqlite3.connect(db_path, timeout=30) as db:
        rows = db.execute("SELECT data FROM outbox_event WHERE type = 'ticket.issued' ORDER BY seq").fetchall()
    return [json.loads(data)["ticket_id"] for (data,) in rows]


def test_events_of_tickets_taken_just_before_a_kill_are_written_after_the_restart(tmp_path):
    # a writer that would not run for an hour: the kill comes before it, whatever the machine's speed
    server = EdgeServerProcess(tmp_path / "edge", env={"ANJUNGAN_OUTBOX_WRITE_SECONDS": "3600"}).start()
    db_path = server.data_dir / "edge.sqlite3"
    try:
        taken = []
        for i in range(TAKES):
            r = requests.post(f"{server.url}/api/v1/tickets", json={"service": "A" if i % 2 else "B"},
                              headers=server.kiosk_headers, timeout=10)
            assert r.status_code == 201, r.text
            taken.append(r.json()["ticket"]["id"])
        # not written yet: the kill below is what the test is about
        assert set(issued_tickets(db_path)).isdisjoint(taken)
        server.kill()

        server.env["ANJUNGAN_OUTBOX_WRITE_SECONDS"] = "0.2"
        server.start()
        deadline = time.monotonic() + 20
        while True:
            events = [ticket for ticket in issued_tickets(db_path) if ticket in taken]
            if len(events) >= TAKES or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert events == taken  # every one, once, in the order they were taken
        time.sleep(0.5)  # more passes of the writer write nothing twice
        assert [ticket for ticket in issued_tickets(db_path) if ticket in taken] == taken
    finally:
        server.stop()
