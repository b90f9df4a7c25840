"""ticket.issued events written to the outbox from the ticket rows (sync/outbox.py): what they say, their order,
and that no ticket is skipped or written twice."""
from __future__ import annotations

import json
import time

from edge_server.db import adopt_page_size, database, migrate, write_transaction
from edge_server.models import OutboxEvent, Ticket
from edge_server.queue import service
from edge_server.sync import store
from edge_server.sync.outbox import (
    catch_up_issued_events,
    start_issued_events_writer,
    unwritten_issued_events,
    write_issued_events,
)
from edge_server.sync.public_links import token_digest


def _events(kind: str | None = None) -> list[OutboxEvent]:
    query = OutboxEvent.select().order_by(OutboxEvent.seq)
    return list(query if kind is None else query.where(OutboxEvent.type == kind))


def _mark() -> int:
    return database.execute_sql("SELECT issued_through FROM issued_event_mark").fetchone()[0]


def test_a_take_writes_no_outbox_row_and_its_event_says_what_the_take_did(app, kiosk):
    """GIVEN a priority take through the kiosk API WHEN the pending events are written THEN its ticket.issued event
    carries the ticket's id, service, number, priority, source, service name and the digest of its tracking token,
    at the time and on the business day of the take."""
    with app.app_context():
        catch_up_issued_events()  # the demo's own tickets, if any
        start = len(_events())
    taken = kiosk.post("/api/v1/tickets", json={"service": "B", "priority": True})
    assert taken.status_code == 201
    ticket = taken.get_json()["ticket"]
    with app.app_context():
        assert len(_events()) == start and unwritten_issued_events() == 1
        assert store.pending_count() == OutboxEvent.select().where(store._unacked()).count() + 1
        assert write_issued_events() == 1 and unwritten_issued_events() == 0
        event = _events("ticket.issued")[-1]
        row = Ticket.get_by_id(ticket["id"])
        assert json.loads(event.data) == {
            "ticket_id": ticket["id"], "service": "B", "number": ticket["number"], "priority": True,
            "source": "kiosk", "service_name": ticket["service_name"], "track_hash": token_digest(row.track_token)}
        assert event.occurred_at == row.issued_at and event.business_date == row.business_date
        assert event.seq == max(e.seq for e in _events()) == start + 1


def test_an_event_recorded_after_a_take_comes_after_its_ticket_issued(app, clock):
    """GIVEN a ticket taken and called (ticket.called recorded) before any writer ran THEN the outbox holds its
    ticket.issued first, and every seq once, without gaps."""
    with app.app_context():
        catch_up_issued_events()
        ticket = service.issue_ticket("A", clock=clock)
        called = service.call_next(1, clock=clock)
        assert called.id == ticket.id
        mine = [e for e in _events() if ticket.id in e.data]
        assert [e.type for e in mine] == ["ticket.issued", "ticket.called"]
        seqs = [e.seq for e in _events()]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))


def test_events_are_written_in_commit_order_in_chunks(app, clock):
    with app.app_context():
        catch_up_issued_events()
        ids = [service.issue_ticket("ABC"[i % 3], clock=clock).id for i in range(7)]
        assert catch_up_issued_events(chunk=3) == 7
        written = [json.loads(e.data)["ticket_id"] for e in _events("ticket.issued")[-7:]]
        assert written == ids and catch_up_issued_events() == 0


def test_the_newest_ticket_deleted_after_its_event_does_not_hide_the_next(app, clock):
    """SQLite gives a new row the largest rowid plus one: after the newest ticket is deleted, the next one gets its
    rowid, which the mark had passed; the delete trigger lowers the mark, so the next ticket's event is written."""
    with app.app_context():
        newest = service.issue_ticket("A", clock=clock)
        catch_up_issued_events()
        with write_transaction():
            Ticket.delete().where(Ticket.id == newest.id).execute()
        following = service.issue_ticket("A", clock=clock)
        assert catch_up_issued_events() == 1
        assert following.id in _events("ticket.issued")[-1].data


def test_migration_41_marks_the_tickets_whose_takes_wrote_their_events(app, clock):
    """GIVEN tickets whose events are in the outbox (as takes before migration 41 wrote them) WHEN the migration
    runs THEN no event is written again, and a ticket taken after it gets its own."""
    with app.app_context():
        for code in "AB":
            service.issue_ticket(code, clock=clock)
        catch_up_issued_events()
        count = len(_events())
        db = database.obj
        db.execute_sql("DROP TRIGGER issued_event_mark_delete")
        db.execute_sql("DROP TABLE issued_event_mark")
        db.execute_sql("DELETE FROM schema_migration WHERE version = 41")
        migrate(db)
        assert catch_up_issued_events() == 0 and len(_events()) == count
        later = service.issue_ticket("C", clock=clock)
        assert catch_up_issued_events() == 1 and later.id in _events()[-1].data


def test_a_vacuum_leaves_the_mark_at_most_the_largest_rowid(app, cfg, clock):
    """Should a VACUUM ever renumber the tickets, a mark above the largest rowid would hide the next tickets."""
    with app.app_context():
        service.issue_ticket("A", clock=clock)
        catch_up_issued_events()
        (largest,) = database.execute_sql("SELECT max(rowid) FROM ticket").fetchone()
        with write_transaction():
            database.execute_sql("UPDATE issued_event_mark SET issued_through = ?", (largest + 50,))
    from edge_server.db import close_all_connections

    close_all_connections()
    assert adopt_page_size(cfg.database_path, page_size=1024)
    with app.app_context():
        database.connect(reuse_if_open=True)
        assert _mark() == largest
        later = service.issue_ticket("A", clock=clock)
        assert catch_up_issued_events() == 1 and later.id in _events()[-1].data


def test_the_background_writer_writes_new_tickets_events(app, clock):
    with app.app_context():
        catch_up_issued_events()
        ticket = service.issue_ticket("A", clock=clock)
    writer = start_issued_events_writer(interval_seconds=0.05)
    try:
        deadline = time.monotonic() + 10
        with app.app_context():
            while time.monotonic() < deadline and unwritten_issued_events():
                time.sleep(0.02)
            assert unwritten_issued_events() == 0
            assert ticket.id in _events("ticket.issued")[-1].data
    finally:
        writer.stop.set()
        writer.join(5)
    assert not writer.is_alive()


def test_the_event_text_is_what_the_outbox_encoder_writes_for_any_service_name(app, clock):
    """The writer builds the JSON text itself: byte for byte what `_encode` makes of `issued_event_data`, quotes,
    backslashes and non-ASCII names included."""
    from edge_server.models import Service
    from edge_server.sync.outbox import _encode, issued_event_data

    name = 'Layanan "Umum" \\ Kependudukan — Désa ü\u2028'
    with app.app_context():
        with write_transaction():
            Service.update(name=name).where(Service.code == "C").execute()
        catch_up_issued_events()
        tickets = [service.issue_ticket("C", clock=clock, priority=flag) for flag in (True, False)]
        catch_up_issued_events()
        for ticket, event in zip(tickets, _events("ticket.issued")[-2:], strict=True):
            row = Ticket.get_by_id(ticket.id)
            assert event.data == _encode(issued_event_data(row.id, "C", name, row.number, row.priority, row.source,
                                                           row.track_token))
        assert [json.loads(e.data)["priority"] for e in _events("ticket.issued")[-2:]] == [True, False]
