"""The edge's sync worker against a real district app (in process): ordered, acknowledged, self-healing."""
from __future__ import annotations

import fcntl
import json
import os
from datetime import timedelta

import pytest
import requests

from edge_server.models import Announcement, OutboxEvent, SyncState
from edge_server.sync import store
from edge_server.sync.outbox import catch_up_issued_events
from edge_server.sync.worker import sync_until_acked
from tests.sync.conftest import CODE
from tests.sync.helpers import district_counts, edge_counts, queue_day


def _today(edge) -> str:
    return edge.extensions["clock"].business_date().isoformat()


def test_a_day_of_queue_reaches_the_district_exactly(edge, district, worker):
    queue_day(edge, issued=7, served=4, no_show=2)
    result = worker.cycle()
    assert result.ok and result.sent == OutboxEvent.select().count()
    expected = edge_counts(edge) | {"last_seq": OutboxEvent.select().count()}
    assert district_counts(district, CODE, _today(edge)) == expected
    assert store.pending_count() == 0
    state = store.sync_state()
    assert state.last_success is not None and state.last_error == "" and state.failures == 0


def test_events_carry_no_nik_and_no_name(edge, worker):
    from district.privacy import identity_leak

    queue_day(edge)
    for event in OutboxEvent.select():
        assert identity_leak(json.loads(event.data)) is None, event.type
    seqs = [e.seq for e in OutboxEvent.select().order_by(OutboxEvent.seq)]
    assert seqs == list(range(1, len(seqs) + 1))


def test_large_backlog_goes_in_batches_of_at_most_500(edge, district, worker, transport):
    from edge_server.db import write_transaction
    from edge_server.sync.outbox import record_event

    clock = edge.extensions["clock"]
    with write_transaction():
        for number in range(1203):
            record_event("ticket.issued", clock.business_date(), {"ticket_id": f"t{number}", "service": "A",
                                                                  "number": f"A-{number:03d}"}, clock.utcnow())
    assert worker.cycle().ok
    posts = [r for r in transport.sent if r.method == "POST"]
    assert len(posts) == 3 and all(r.headers["Content-Encoding"] == "gzip" for r in posts)
    assert district_counts(district, CODE, _today(edge))["tickets_issued"] == 1203


def test_failures_back_off_and_then_resend_from_the_acknowledged_seq(edge, district, worker, transport):
    queue_day(edge, issued=3, served=1, no_show=0)
    answers = iter([(503, b"busy"), (500, b"{}")])

    def flaky(request):
        if request.method == "POST":
            try:
                return next(answers)
            except StopIteration:
                return None
        return None

    transport.fault = flaky
    first = worker.cycle()
    assert not first.ok and "503" in first.error
    assert store.sync_state().failures == 1 and "kabupaten" in store.sync_state().last_error
    assert worker.next_delay(first) <= edge.extensions["edge_config"].sync_backoff_max_seconds
    assert not worker.cycle().ok and store.sync_state().failures == 2
    assert worker.cycle().ok
    assert store.sync_state().failures == 0
    assert district_counts(district, CODE, _today(edge)) == edge_counts(edge) | {
        "last_seq": OutboxEvent.select().count()}


def test_network_error_is_a_failure_in_words(edge, worker, transport):
    queue_day(edge, issued=1, served=0, no_show=0)

    def down(request):
        raise requests.ConnectionError("no route")

    transport.fault = down
    result = worker.cycle()
    assert not result.ok and "tidak tersambung" in result.error
    assert store.pending_count() == 1


def test_clock_skew_adopts_the_district_time(edge, district, worker):
    district.extensions["clock"].travel(timedelta(seconds=600))  # the hub's clock is 10 minutes ahead
    queue_day(edge, issued=2, served=0, no_show=0)
    assert worker.cycle().ok
    assert 590 < store.sync_state().clock_offset < 610
    assert district_counts(district, CODE, _today(edge))["tickets_issued"] == 2


def test_an_idle_village_learns_the_district_time_from_the_config_poll(edge, district, worker):
    district.extensions["clock"].travel(timedelta(seconds=-900))
    assert worker.cycle(force_config=True).ok
    assert -910 < store.sync_state().clock_offset < -890
    assert store.sync_state().config_etag


def test_seq_conflict_renumbers_what_was_not_acknowledged(edge, district, worker):
    """GIVEN the district holds seqs 1-3 from before a restore WHEN this edge sends its own 1.. THEN it renumbers."""
    from district.ingest import store_batch
    from tests.district.helpers import make_event

    with district.app_context():
        from datetime import datetime

        store_batch(CODE, [dict(make_event(s, "ticket.issued", day="2026-01-01"),
                                occurred_at=datetime(2026, 1, 1), business_date=datetime(2026, 1, 1).date(),
                                metric=None) for s in (1, 2, 3)], datetime(2026, 1, 1))
    queue_day(edge, issued=4, served=1, no_show=0)
    count = OutboxEvent.select().count()
    assert worker.cycle().ok
    seqs = [e.seq for e in OutboxEvent.select().order_by(OutboxEvent.seq)]
    assert seqs == list(range(4, 4 + count))
    assert district_counts(district, CODE, _today(edge)) == edge_counts(edge) | {"last_seq": 3 + count}
    queue_day(edge, issued=1, served=0, no_show=0)  # new events continue after the renumbered ones
    assert worker.cycle().ok and store.sync_state().acked_through == 4 + count


def test_duplicate_sends_are_counted_once(edge, district, worker):
    queue_day(edge, issued=3, served=1, no_show=0)
    assert worker.cycle().ok
    OutboxEvent.update(acked_at=None).execute()  # as if the acknowledgement was lost
    SyncState.update(acked_through=0).execute()
    assert worker.cycle().ok
    assert district_counts(district, CODE, _today(edge))["tickets_issued"] == 3


def test_district_announcements_become_board_announcements(edge, district, worker):
    from datetime import datetime, timezone

    from district.announcements import create_announcement, delete_announcement

    with district.app_context():
        item = create_announcement("Posyandu Sabtu", "Balai desa, jam 08.00", None, None, None,
                                   datetime.now(timezone.utc).replace(tzinfo=None), "dinas")
    assert worker.cycle(force_config=True).ok
    rows = list(Announcement.select().where(Announcement.source == "district"))
    assert [(r.title, r.external_id) for r in rows] == [("Posyandu Sabtu", str(item.id))]
    etag = store.sync_state().config_etag
    assert etag and worker.cycle(force_config=True).ok and store.sync_state().config_etag == etag
    with district.app_context():
        delete_announcement(item.id, datetime.now(timezone.utc).replace(tzinfo=None))
    assert worker.cycle(force_config=True).ok
    assert Announcement.select().where(Announcement.source == "district").count() == 0


def test_printer_state_changes_become_device_alerts(edge, district, worker):
    from edge_server.devices import record_heartbeat
    from edge_server.models import Device

    clock = edge.extensions["clock"]
    device = Device.get(Device.name == "Kiosk Lobi")
    body = {"version": "1", "printer": {"online": True, "paper": "out"}, "scanner": {"connected": True}}
    with edge.app_context():
        record_heartbeat(device, body, clock.utcnow())
        record_heartbeat(Device.get_by_id(device.id), body, clock.utcnow())  # same state: no new event
    assert OutboxEvent.select().where(OutboxEvent.type == "device.status").count() == 1
    assert worker.cycle().ok
    with district.app_context():
        from district.stats import device_alerts

        assert device_alerts()[CODE] == [{"device": "Kiosk Lobi", "kind": "kiosk", "problem": "paper_out"}]
    clock.travel(timedelta(minutes=5))  # the kiosk goes quiet
    assert worker.cycle().ok
    with district.app_context():
        assert [a["problem"] for a in device_alerts()[CODE]] == ["kiosk_offline"]


def test_prune_keeps_numbering_going(edge, worker):
    queue_day(edge, issued=3, served=0, no_show=0)
    assert worker.cycle().ok
    later = edge.extensions["clock"].utcnow() + timedelta(days=31)
    assert store.prune(later, 30) == 2  # the newest row stays
    with edge.app_context():
        from edge_server.queue import service

        service.issue_ticket("A", clock=edge.extensions["clock"])
        catch_up_issued_events()
    assert max(e.seq for e in OutboxEvent.select()) == 4


def test_a_held_lock_makes_the_worker_skip(edge, worker):
    path = worker.lock_path
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert worker.cycle().skipped
    finally:
        os.close(fd)
    assert not worker.cycle().skipped


def test_sync_once_waits_for_everything_pending(edge, district, worker):
    queue_day(edge, issued=5, served=2, no_show=1)
    assert sync_until_acked(edge, worker=worker) is True
    assert store.pending_count() == 0


def test_sync_once_gives_up_when_the_district_is_down(edge, worker, transport):
    queue_day(edge, issued=1, served=0, no_show=0)
    transport.fault = lambda request: (503, b"")
    assert sync_until_acked(edge, worker=worker, attempts=2) is False


@pytest.fixture
def admin(edge):
    import re

    client = edge.test_client()
    user = next(s for s in edge.extensions["demo"]["staff"] if s["role"] == "admin")
    page = client.get("/staff/login")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    assert client.post("/staff/login", data={"username": user["username"], "password": user["password"],
                                             "csrf_token": token}).status_code == 302
    return client


def test_staff_sync_page_shows_state_and_syncs_now(edge, admin, worker):
    import re

    queue_day(edge, issued=2, served=0, no_show=0)
    store.record_failure("server kabupaten bermasalah (HTTP 503)", edge.extensions["clock"].utcnow())
    page = admin.get("/staff/sync")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Sinkronisasi" in text and "2 catatan" in text and "HTTP 503" in text
    assert "/staff/sync" in admin.get("/staff/").get_data(as_text=True)  # the menu entry
    assert admin.post("/staff/sync").status_code == 400  # no CSRF token
    token = re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)
    edge.extensions["sync_worker"] = worker
    answer = admin.post("/staff/sync", data={"csrf_token": token})
    assert answer.status_code == 302 and worker.wakeup.is_set()


def test_new_events_skip_the_acked_index_and_pending_is_found_by_seq(edge, district, worker):
    """Edge migrations 35 and 37: a new event writes the table's own B-tree only (the seq is its rowid, the id
    has no index, the acked_at index holds acknowledged events only); the unacknowledged are found above
    acked_through as a rowid range, and all of them still go."""
    from edge_server.db import database

    with edge.app_context():
        indexes = {row[1]: row[4] for row in database.execute_sql("PRAGMA index_list(outbox_event)").fetchall()}
        assert indexes == {"outbox_event_acked_at": 1}  # partial, and the only one
        queue_day(edge, issued=3, served=1, no_show=0)
        plan = " ".join(row[3] for row in database.execute_sql(
            "EXPLAIN QUERY PLAN SELECT * FROM outbox_event WHERE seq > 0 AND acked_at IS NULL ORDER BY seq"))
        assert "USING INTEGER PRIMARY KEY (rowid>?)" in plan
        pending = store.pending_count()
    assert pending == OutboxEvent.select().count() > 0
    assert worker.cycle().ok
    assert store.pending_count() == 0
    expected = edge_counts(edge) | {"last_seq": OutboxEvent.select().count()}
    assert district_counts(district, CODE, _today(edge)) == expected


def test_the_migration_brings_acked_through_down_to_an_event_still_waiting_below_it(edge):
    """Should an older database hold an unacknowledged event under acked_through, migration 35 lowers the mark
    so that event is sent rather than skipped."""
    from edge_server.db import database
    from edge_server.migrations import _acked_only_index

    queue_day(edge, issued=4, served=0, no_show=0)
    with edge.app_context():
        catch_up_issued_events()
        seqs = sorted(e.seq for e in OutboxEvent.select())
        state = store.sync_state()
        OutboxEvent.update(acked_at=edge.extensions["clock"].utcnow()).where(OutboxEvent.seq != seqs[1]).execute()
        SyncState.update(acked_through=seqs[-1]).where(SyncState.id == state.id).execute()
        assert store.pending_count() == 0  # the event below the mark is out of sight
        _acked_only_index(database.obj)
        assert store.sync_state().acked_through == seqs[1] - 1
        assert store.pending_ids() == {OutboxEvent.get(OutboxEvent.seq == seqs[1]).id}
