"""The ticket hot path: group commit, the catalog cache, the answer built without a second read, small pages."""
from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import uuid
from datetime import datetime, timedelta

import pytest

from anjungan_core.ids import base62, from_base62, keyed_uuid, time_ordered_uuid
from edge_server import create_app
from edge_server.db import adopt_page_size, database
from edge_server.group_commit import GroupCommit
from edge_server.models import OutboxEvent, Service, ServiceHours, Ticket
from edge_server.sync.outbox import catch_up_issued_events


def _key() -> dict:
    return {"Idempotency-Key": time_ordered_uuid()}


def test_the_answer_to_a_take_is_what_reading_the_ticket_says(kiosk):
    """GIVEN some tickets waiting WHEN a kiosk takes one THEN its answer (built from the take, no second read)
    equals the ticket read back at once, position and estimate included."""
    for _ in range(3):
        assert kiosk.post("/api/v1/tickets", json={"service": "A"}, headers=_key()).status_code == 201
    taken = kiosk.post("/api/v1/tickets", json={"service": "A", "priority": True}, headers=_key()).get_json()
    read = kiosk.get(f"/api/v1/tickets/{taken['ticket']['id']}").get_json()
    assert taken == read
    assert taken["ticket"]["position"] == 0  # priority goes first


def test_concurrent_takes_share_transactions_and_each_gets_its_own_number(app, demo):
    """GIVEN 16 kiosks taking 10 tickets each at once WHEN they are done THEN 160 distinct numbers, 160 outbox
    events, and fewer transactions than tickets (they were committed in groups)."""
    group = app.extensions["group_commit"]
    headers = {"Authorization": f"Bearer {demo['kiosk_token']}"}
    numbers: list[str] = []
    lock = threading.Lock()
    before_groups, before_jobs = group.groups, group.jobs

    def kiosk_loop() -> None:
        client = app.test_client()
        for _ in range(10):
            r = client.post("/api/v1/tickets", json={"service": "B"}, headers={**headers, **_key()})
            assert r.status_code == 201, r.get_json()
            with lock:
                numbers.append(r.get_json()["ticket"]["number"])

    threads = [threading.Thread(target=kiosk_loop) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(numbers) == 160 and len(set(numbers)) == 160
    jobs, groups = group.jobs - before_jobs, group.groups - before_groups
    assert jobs == 160
    assert groups < jobs
    with app.app_context():
        database.connect(reuse_if_open=True)
        service = Service.get(Service.code == "B")
        assert Ticket.select().where(Ticket.service == service).count() == 160
        assert catch_up_issued_events() == 160  # the takes wrote no outbox row: it is written from theirs
        issued = OutboxEvent.select().where(OutboxEvent.type == "ticket.issued")
        events = [e for e in issued if '"service":"B"' in e.data]
        assert len(events) == 160 and len({e.seq for e in events}) == 160


def test_a_failing_job_takes_back_only_its_own_writes(app):
    """GIVEN three jobs committed in one group, the middle one failing WHEN the group commits THEN the other two
    rows are there, the middle one's is not, and its error reaches its own caller."""
    group = GroupCommit(max_delay=0.5)
    results: dict[str, object] = {}
    started = threading.Barrier(3)

    def job(name: str, fail: bool):
        def work():
            database.execute_sql("INSERT INTO holiday (day, name) VALUES ('2031-01-01', ?)", (name,))
            if fail:
                raise ValueError(name)
            return name
        return work

    def caller(name: str, fail: bool) -> None:
        with app.app_context():
            database.connect(reuse_if_open=True)
            with group.coming():
                started.wait()
                try:
                    results[name] = group.run(job(name, fail))
                except ValueError as exc:
                    results[name] = exc
            database.close()

    threads = [threading.Thread(target=caller, args=(n, n == "two")) for n in ("one", "two", "three")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results["one"] == "one" and results["three"] == "three"
    assert isinstance(results["two"], ValueError)
    assert group.jobs == 3 and group.groups == 1  # the leader waited for the two on their way
    with app.app_context():
        database.connect(reuse_if_open=True)
        names = {row[0] for row in database.execute_sql("SELECT name FROM holiday WHERE day = '2031-01-01'")}
    assert names == {"one", "three"}


def test_every_group_of_a_process_runs_on_one_connection(app, monkeypatch):
    """GIVEN jobs led by different request threads WHEN each commits THEN all ran on one connection (whose page
    cache stays warm from take to take), with the pool's pragmas; each thread has its own connection back after;
    closing every connection (before a fork) closes it, and a forked child makes its own."""
    from edge_server import db as edge_db

    group = GroupCommit(max_delay=0)
    seen: list[tuple] = []

    def caller(n: int) -> None:
        with app.app_context():
            database.connect(reuse_if_open=True)
            own = database.connection()

            def work():
                sql = database.connection()
                sql.execute("INSERT INTO holiday (day, name) VALUES ('2031-02-01', ?)", (f"t{n}",))
                return sql, sql.execute("PRAGMA wal_autocheckpoint").fetchone()[0]

            seen.append((own, *group.run(work), database.connection()))
            database.close()

    for n in range(3):  # one after another, each on a thread of its own
        thread = threading.Thread(target=caller, args=(n,))
        thread.start()
        thread.join(30)
    shared = edge_db.group_connection(database.obj)
    assert [ran for _own, ran, _pragma, _after in seen] == [shared] * 3
    assert all(pragma == 8000 for _own, _ran, pragma, _after in seen)
    assert all(after is own and own is not shared for own, _ran, _pragma, after in seen)
    rows = database.execute_sql("SELECT count(*) FROM holiday WHERE day = '2031-02-01'").fetchone()[0]
    assert rows == 3  # committed: another connection reads them

    edge_db.close_all_connections()
    with pytest.raises(sqlite3.ProgrammingError):  # closed
        shared.execute("SELECT 1")
    fresh = edge_db.group_connection(database.obj)
    assert fresh is not shared and fresh.execute("SELECT count(*) FROM holiday").fetchone()[0] >= 3
    monkeypatch.setattr(edge_db, "_pid", [-1])  # as in a child after a fork
    assert edge_db.group_connection(database.obj) is not fresh


def test_a_change_to_hours_reaches_the_next_ticket(kiosk, app):
    """GIVEN a ticket taken (the catalog cached) WHEN the service's hours are changed behind the app's back
    (another process: a raw write) THEN the next ticket is refused as closed, and taken again once reopened."""
    assert kiosk.post("/api/v1/tickets", json={"service": "C"}).status_code == 201
    with app.app_context():
        database.connect(reuse_if_open=True)
        service = Service.get(Service.code == "C")
        ServiceHours.delete().where(ServiceHours.service == service).execute()
        ServiceHours.create(service=service, weekly="{}")  # a week with no opening hours: always closed
    refused = kiosk.post("/api/v1/tickets", json={"service": "C"})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "service_closed"
    with app.app_context():
        database.connect(reuse_if_open=True)
        ServiceHours.delete().where(ServiceHours.service == service).execute()
    assert kiosk.post("/api/v1/tickets", json={"service": "C"}).status_code == 201


def test_ids_sort_by_time_and_stay_unguessable():
    ids = [time_ordered_uuid(unix_ms=ms) for ms in (1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000)]
    assert ids == sorted(ids) and all(uuid.UUID(i).version == 7 for i in ids)
    assert len({time_ordered_uuid(unix_ms=1) for _ in range(1000)}) == 1000  # 74 random bits within one ms


def test_an_id_derived_from_a_key_is_the_same_for_the_same_device_and_key_only():
    keys = [time_ordered_uuid(unix_ms=ms) for ms in (1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000)]
    ids = [keyed_uuid("ticket 1", k) for k in keys]
    assert ids == [keyed_uuid("ticket 1", k) for k in keys]  # the same again
    assert all(uuid.UUID(i).version == 8 and uuid.UUID(i).variant == uuid.RFC_4122 for i in ids)
    assert ids == sorted(ids)  # a version 7 key lends its time: the ids still grow at the index's end
    assert [i[:13] for i in ids] == [k[:13] for k in keys]
    assert keyed_uuid("ticket 2", keys[0]) != ids[0]  # another kiosk's same key is another ticket
    others = {keyed_uuid("ticket 1", f"retry-{n}") for n in range(1000)}  # any text as a key
    assert len(others) == 1000 and all(uuid.UUID(i).version == 8 for i in others)


def test_a_key_is_read_as_uuid_reads_it_and_only_a_version_7_key_lends_its_time():
    """keyed_uuid reads the kiosk's 8-4-4-4-12 form itself: it must agree with uuid.UUID on every other text."""
    from anjungan_core.ids import _uuid_int

    def read(text):
        try:
            return uuid.UUID(text).int
        except ValueError:
            return None

    v4 = str(uuid.uuid4())
    texts = [time_ordered_uuid(), v4, v4.upper(), "{%s}" % v4, f"urn:uuid:{v4}", v4.replace("-", ""), "", "abc",
             "1234_678-1234-1234-1234-123456789abc", "+2345678-1234-1234-1234-123456789abc",
             " 2345678-1234-1234-1234-123456789abc", "g2345678-1234-1234-1234-123456789abc",
             "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668-1234-1234-1234-123456789abc", v4 + "0"]
    assert [_uuid_int(t) for t in texts] == [read(t) for t in texts]
    v7 = time_ordered_uuid(unix_ms=1_700_000_000_000)
    not_rfc = v7[:19] + "c" + v7[20:]  # version 7's digit, but not the RFC 4122 variant: its time is not lent
    assert keyed_uuid("ticket 1", v7)[:13] == v7[:13] and keyed_uuid("ticket 1", not_rfc)[:13] != v7[:13]
    assert keyed_uuid("ticket 1", v4)[:13] != v4[:13]


def test_base62_round_trips_and_refuses_what_does_not_fit():
    for value, width in ((0, 3), (61, 1), (62 ** 3 - 1, 3), (2_500, 2)):
        text = base62(value, width)
        assert len(text) == width and from_base62(text) == value
    assert [base62(v, 2) for v in (9, 10, 61, 62)] == sorted(base62(v, 2) for v in (9, 10, 61, 62))
    with pytest.raises(ValueError):
        base62(62 ** 2, 2)
    with pytest.raises(ValueError):
        base62(-1, 3)
    assert from_base62("a-b") is None  # not a base-62 digit


def test_an_older_database_is_rewritten_with_small_pages_once(tmp_path, cfg, clock):
    """GIVEN a database file with SQLite's default 4 KiB pages and data in it WHEN the edge starts THEN the file
    has 512-byte pages, WAL, and every row; a second start leaves it alone."""
    path = cfg.database_path
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode = DELETE")
    raw.execute("PRAGMA page_size = 4096")
    raw.execute("VACUUM")
    assert raw.execute("PRAGMA page_size").fetchone()[0] == 4096
    tickets = raw.execute("SELECT count(*) FROM service").fetchone()[0]
    raw.close()
    create_app(cfg, clock=clock)
    database.obj.close_all()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA page_size").fetchone()[0] == 512
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("SELECT count(*) FROM service").fetchone()[0] == tickets > 0
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()
    assert adopt_page_size(path) is False


def _as_before_migration_39(db, ticket_id: str, key: str) -> str:
    """Give a ticket the shape takes had before edge migration 39: a random id, its key in the row with the
    whole 64-digit request digest, a 30-character token; returns the ticket's new id."""
    old_id = time_ordered_uuid()
    digest = hashlib.sha256(json.dumps(["A", False, None]).encode()).hexdigest()
    db.execute_sql("UPDATE ticket SET id = ?, request_key = ?, request_hash = ?, track_token = ? WHERE id = ?",
                   (old_id, key, digest, "0AbCdE" + secrets.token_urlsafe(18), ticket_id))
    return old_id


def test_keys_taken_before_the_upgrade_still_return_their_ticket(app, kiosk, cfg):
    """GIVEN a ticket whose Idempotency-Key sits in the old idempotency_key table (a database from before edge
    migration 32) WHEN the migration runs THEN the kiosk's retry with that key gets the same ticket back."""
    from edge_server.db import migrate

    first = kiosk.post("/api/v1/tickets", json={"service": "A"}, headers={"Idempotency-Key": "old-key"}).get_json()
    with app.app_context():
        database.connect(reuse_if_open=True)
        db = database.obj
        old_id = _as_before_migration_39(db, first["ticket"]["id"], "old-key")
        row = db.execute_sql("SELECT device_id, request_hash FROM ticket WHERE id = ?", (old_id,)).fetchone()
        db.execute_sql("UPDATE ticket SET request_key = NULL, request_hash = NULL")  # as it was before
        db.execute_sql("CREATE TABLE idempotency_key (id INTEGER PRIMARY KEY, device_id INTEGER NOT NULL, "
                       "key VARCHAR(255) NOT NULL, request_hash VARCHAR(255) NOT NULL, ticket_id VARCHAR(255) "
                       "NOT NULL, business_date DATE NOT NULL)")
        db.execute_sql("INSERT INTO idempotency_key (device_id, key, request_hash, ticket_id, business_date) "
                       "VALUES (?, 'old-key', ?, ?, '2026-01-01')", (row[0], row[1], old_id))
        db.execute_sql("DELETE FROM schema_migration WHERE version = 32")
        migrate(db)
        assert "idempotency_key" not in db.get_tables()
    again = kiosk.post("/api/v1/tickets", json={"service": "A"}, headers={"Idempotency-Key": "old-key"})
    assert again.status_code == 200 and again.get_json()["ticket"]["id"] == old_id
    conflict = kiosk.post("/api/v1/tickets", json={"service": "B"}, headers={"Idempotency-Key": "old-key"})
    assert conflict.status_code == 409 and conflict.get_json()["error"]["code"] == "idempotency_conflict"


def _index_entries(db, index: str) -> int:
    return db.execute_sql("SELECT coalesce(sum(ncell), 0) FROM dbstat WHERE name = ? AND pagetype = 'leaf'",
                          (index,)).fetchone()[0]


def test_after_migration_39_a_take_writes_neither_a_key_nor_a_token_index_and_older_tickets_are_found(
        app, kiosk, client):
    """GIVEN tickets taken before edge migration 39 (random ids, keys and 30-character tokens in indexes) WHEN the
    migration runs and kiosks take more THEN the new tickets are in neither index, yet every ticket is found: a
    retry by its key, the tracking page by its token, each through an index (no table scan)."""
    from edge_server.db import migrate
    from edge_server.queue import track_tokens

    taken = [kiosk.post("/api/v1/tickets", json={"service": "A"}, headers={"Idempotency-Key": f"k{n}"}).get_json()
             for n in range(3)]
    with app.app_context():
        database.connect(reuse_if_open=True)
        db = database.obj
        old_ids = [_as_before_migration_39(db, t["ticket"]["id"], f"k{n}") for n, t in enumerate(taken)]
        db.execute_sql("DROP INDEX ticket_track_token")
        db.execute_sql("CREATE UNIQUE INDEX ticket_track_token ON ticket (track_token)")  # as it was
        db.execute_sql("DELETE FROM schema_migration WHERE version = 39")
        migrate(db)
        old_tokens = [db.execute_sql("SELECT track_token FROM ticket WHERE id = ?", (i,)).fetchone()[0]
                      for i in old_ids]
        in_token_index = _index_entries(db, "ticket_track_token")
        in_key_index = _index_entries(db, "ticket_device_id_request_key")
        assert in_token_index >= 3 and in_key_index >= 3

    new = [kiosk.post("/api/v1/tickets", json={"service": "A"}, headers={"Idempotency-Key": time_ordered_uuid()})
           for _ in range(20)]
    assert all(r.status_code == 201 for r in new)
    with app.app_context():
        database.connect(reuse_if_open=True)
        db = database.obj
        assert _index_entries(db, "ticket_track_token") == in_token_index  # the new ones are in neither
        assert _index_entries(db, "ticket_device_id_request_key") == in_key_index
        legacy = db.execute_sql("EXPLAIN QUERY PLAN SELECT id FROM ticket WHERE track_token = ? AND "
                                f"{track_tokens.LEGACY}", (old_tokens[0],)).fetchall()
        assert "USING INDEX ticket_track_token" in " ".join(r[-1] for r in legacy)
        by_place = db.execute_sql("EXPLAIN QUERY PLAN SELECT id FROM ticket WHERE issued_service_id = 1 AND "
                                  "business_date = '2026-01-05' AND number = 1 AND track_token = 'x'").fetchall()
        assert "ticket_issued_service_id_business_date_number" in " ".join(r[-1] for r in by_place)

    for n, old_id in enumerate(old_ids):  # a retry from before still gets its own ticket
        again = kiosk.post("/api/v1/tickets", json={"service": "A"}, headers={"Idempotency-Key": f"k{n}"})
        assert again.status_code == 200 and again.get_json()["ticket"]["id"] == old_id
    for token in old_tokens + [r.get_json()["ticket"]["track_url"].rsplit("/", 1)[1] for r in new[:3]]:
        page = client.get(f"/t/{token}.json")
        assert page.status_code == 200, token
    new_token = new[0].get_json()["ticket"]["track_url"].rsplit("/", 1)[1]
    assert len(new_token) == track_tokens.LENGTH
    forged = new_token[:8] + ("A" if new_token[8] != "A" else "B") + new_token[9:]  # the right place, a wrong secret
    assert client.get(f"/t/{forged}.json").status_code == 404


def test_a_tracking_token_says_where_its_ticket_is_and_holds_a_fresh_secret():
    from datetime import date

    from edge_server.queue import track_tokens

    place = track_tokens.Place(service_id=7, business_date=date(2026, 12, 3), number=1234)
    tokens = {track_tokens.new_token(place) for _ in range(1000)}
    assert len(tokens) == 1000  # 136 random bits each
    assert all(len(t) == track_tokens.LENGTH and track_tokens.place_of(t) == place for t in tokens)
    for other in ("", "0AbCdE" + secrets.token_urlsafe(18), secrets.token_urlsafe(18), "-" * 31):
        assert track_tokens.place_of(other) is None


def test_the_raw_token_lookup_gives_a_device_with_typed_fields(app, demo):
    """The kiosk's token is resolved by constant SQL with a column mapping worked out once: the Device it gives
    has its dates as datetimes and its fields by name, on the first call and the next."""
    from datetime import datetime

    from edge_server.devices import device_for_token

    with app.app_context():
        database.connect(reuse_if_open=True)
        for _ in range(2):
            device = device_for_token(demo["kiosk_token"])
            assert isinstance(device.created_at, datetime) and device.revoked_at is None
            assert device.kind == "kiosk" and device.id > 0
        assert device_for_token("not-a-token") is None


def _finished(service_id: int, seconds: float, finished: datetime) -> None:
    started = finished - timedelta(seconds=seconds)
    database.execute_sql(
        "INSERT INTO ticket (id, service_id, issued_service_id, business_date, number, priority, status, issued_at, "
        "started_at, finished_at, recall_count, track_token, source, print_error) VALUES (?, ?, ?, '2026-01-05', "
        "(SELECT count(*) + 1 FROM ticket WHERE service_id = ?), 0, 'done', ?, ?, ?, 0, ?, 'kiosk', '')",
        (time_ordered_uuid(), service_id, service_id, service_id, started.isoformat(" "), started.isoformat(" "),
         finished.isoformat(" "), secrets.token_urlsafe(18)))


def test_recent_service_time_is_the_mean_of_the_last_twenty_sensible_ones(app):
    """The estimate's service time: None before any history; then the mean of the 20 most recently finished,
    leaving out the absurd (under 10 s, over 4 h) among them; older history does not count."""
    from edge_server.queue import issuing

    with app.app_context():
        database.connect(reuse_if_open=True)
        fresh = Service.create(code="Y", name="Uji").id
        assert issuing.recent_service_seconds(fresh) is None
        t0 = datetime(2026, 1, 5, 1, 0)
        _finished(fresh, 120, t0)
        _finished(fresh, 240, t0 + timedelta(minutes=10))
        _finished(fresh, 2, t0 + timedelta(minutes=20))  # a slip of the finger
        _finished(fresh, 99_999, t0 + timedelta(days=2))  # forgotten overnight
        assert issuing.recent_service_seconds(fresh) == pytest.approx(180, abs=0.01)
        other = Service.create(code="X", name="Uji 2").id
        for i in range(50):
            _finished(other, 3600, t0 + timedelta(hours=5, minutes=i))
        for i in range(20):
            _finished(other, 60, t0 + timedelta(days=1, minutes=i))
        assert issuing.recent_service_seconds(other) == pytest.approx(60, abs=0.01)
        assert issuing.wait_minutes(3, None, 2, 5.0) == 8  # the default before history: ceil(3 * 5 / 2)
        assert issuing.wait_minutes(3, 60.0, 1, 5.0) == 3


def test_a_ticket_is_written_to_the_indexes_some_query_needs_and_no_others(app):
    """Every index on ticket costs every new ticket a page in the WAL (migration 33 dropped two that no query
    used); the partial ones take only the tickets their column is set on."""
    names = {row[1] for row in database.execute_sql("PRAGMA index_list(ticket)").fetchall()}
    assert not names & {"ticket_status", "ticket_device_id", "ticket_business_date"}
    partial = {row[1] for row in database.execute_sql("PRAGMA index_list(ticket)").fetchall() if row[4]}
    assert {"ticket_counter_id", "ticket_staff_id", "ticket_resident_id", "ticket_service_id_status_finished_at",
            "ticket_device_id_request_key"} <= partial
    plan = " ".join(row[3] for row in database.execute_sql(
        "EXPLAIN QUERY PLAN SELECT * FROM ticket WHERE status = 'done' AND counter_id = 1").fetchall())
    assert "SCAN ticket" not in plan  # the survey's lookup still has an index (the partial counter one)


def test_a_days_tickets_are_found_through_an_index_without_one_on_the_day(app, clock, staff, monkeypatch):
    """Migration 38 dropped the index on business_date alone: the day's report and the unprinted list, as they
    run, still read the day's tickets through an index (leading with the service), not the whole table, and
    find every ticket."""
    from edge_server.staff.reports import daily_report

    statements = []
    db = database.obj
    run = db.execute_sql

    def traced(sql, params=None, *args, **kwargs):
        statements.append((sql, params))
        return run(sql, params, *args, **kwargs)

    today = clock.business_date()
    with app.app_context():
        database.connect(reuse_if_open=True)
        services = list(Service.select())
        for i in range(6):
            Ticket.create(id=time_ordered_uuid(), service=services[i % 2], issued_service=services[i % 2],
                          business_date=today, number=100 + i, priority=False, status="waiting", printed=False,
                          issued_at=datetime.utcnow(), recall_count=0, track_token=secrets.token_urlsafe(18),
                          source="kiosk", print_error="")
        monkeypatch.setattr(db, "execute_sql", traced)
        report = daily_report(today)
    unprinted = staff.get("/staff/api/tickets/unprinted").get_json()["tickets"]
    monkeypatch.undo()
    assert report[-1]["issued"] == 6 and len(unprinted) == 6
    day_reads = [(sql, params) for sql, params in statements if 'FROM "ticket"' in sql and "business_date" in sql]
    assert len(day_reads) == 2
    with app.app_context():
        database.connect(reuse_if_open=True)
        for sql, params in day_reads:
            plan = [row[3] for row in database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params)]
            ticket_alias = 't1'  # peewee's alias of the outer table, the ticket
            assert not [step for step in plan if step.startswith(f"SCAN {ticket_alias}")], plan
            assert any(step.startswith(f"SEARCH {ticket_alias} USING INDEX") for step in plan), plan


def test_with_service_history_the_answer_to_a_take_still_equals_the_ticket_read_back(app, kiosk):
    """The take reads its place and the recent service time in one statement; with history (a 10-minute mean)
    and a queue, normal and priority, its answer is what the separate reads of a GET say."""
    with app.app_context():
        database.connect(reuse_if_open=True)
        service_id = Service.get(Service.code == "A").id
        now = datetime.utcnow()
        for i in range(5):
            _finished(service_id, 600, now - timedelta(minutes=i))
    answers = [kiosk.post("/api/v1/tickets", json={"service": "A", "priority": i == 3}, headers=_key()).get_json()
               for i in range(5)]
    last = answers[-1]["ticket"]
    assert answers[-1] == kiosk.get(f"/api/v1/tickets/{last['id']}").get_json()
    assert last["position"] == 4 and last["estimated_wait_minutes"] >= 10  # behind 3 normal and 1 priority


def test_the_wal_is_checkpointed_every_8000_pages_on_every_connection(app):
    """Fewer, larger checkpoints (db.PRAGMAS): each copies a hot leaf page once for many tickets."""
    assert database.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == 8000
    assert database.execute_sql("PRAGMA page_size").fetchone()[0] == 512


def test_an_older_database_keeps_its_numbers_and_events_through_migrations_36_and_37(app, kiosk):
    """GIVEN a database from before edge migrations 36 and 37 (the day's numbers in ticket_sequence, the outbox
    keyed by id with a seq index) WHEN they run THEN the next ticket continues the day's numbers, every event keeps
    its seq, id and data, and a new event takes the next seq."""
    from edge_server.db import migrate

    numbers = [kiosk.post("/api/v1/tickets", json={"service": "A"}).get_json()["ticket"]["number"]
               for _ in range(3)]
    with app.app_context():
        database.connect(reuse_if_open=True)
        db = database.obj
        catch_up_issued_events()
        db.execute_sql('CREATE TABLE "ticket_sequence" ("id" INTEGER NOT NULL PRIMARY KEY, "service_id" INTEGER '
                       'NOT NULL, "business_date" DATE NOT NULL, "last_number" INTEGER NOT NULL)')
        db.execute_sql("INSERT INTO ticket_sequence (service_id, business_date, last_number) "
                       "SELECT service_id, business_date, last_number FROM queue_tally")
        db.execute_sql("ALTER TABLE queue_tally DROP COLUMN last_number")
        events = db.execute_sql("SELECT seq, id, type, data FROM outbox_event ORDER BY seq").fetchall()
        db.execute_sql("ALTER TABLE outbox_event RENAME TO outbox_event_new_shape")
        db.execute_sql('CREATE TABLE "outbox_event" ("id" VARCHAR(255) NOT NULL PRIMARY KEY, "seq" INTEGER NOT NULL, '
                       '"type" VARCHAR(255) NOT NULL, "occurred_at" DATETIME NOT NULL, "business_date" DATE NOT NULL, '
                       '"data" TEXT NOT NULL, "acked_at" DATETIME)')
        db.execute_sql('CREATE UNIQUE INDEX "outbox_event_seq" ON "outbox_event" ("seq")')
        db.execute_sql("INSERT INTO outbox_event SELECT id, seq, type, occurred_at, business_date, data, acked_at "
                       "FROM outbox_event_new_shape")
        db.execute_sql("DROP TABLE outbox_event_new_shape")
        db.execute_sql("DELETE FROM schema_migration WHERE version IN (36, 37)")
        migrate(db)
        assert "ticket_sequence" not in db.get_tables()
        assert db.execute_sql("SELECT seq, id, type, data FROM outbox_event ORDER BY seq").fetchall() == events
        assert [row[1] for row in db.execute_sql("PRAGMA index_list(outbox_event)")] == ["outbox_event_acked_at"]
    after = kiosk.post("/api/v1/tickets", json={"service": "A"}).get_json()["ticket"]
    assert numbers == ["A-001", "A-002", "A-003"] and after["number"] == "A-004"
    with app.app_context():
        catch_up_issued_events()
        newest = OutboxEvent.select().order_by(OutboxEvent.seq.desc()).first()
        assert newest.seq == events[-1][0] + 1 and after["id"] in newest.data


def test_the_daily_cap_is_kept_by_the_counter_in_the_tally_row(app, kiosk):
    """The day's number lives in the tally row (migration 36): a cap of 2 gives two numbers, then refuses; a cap
    of 0 refuses the day's first ticket, and the refusals leave no number used."""
    with app.app_context():
        Service.update(daily_cap=2).where(Service.code == "A").execute()
        Service.update(daily_cap=0).where(Service.code == "B").execute()
    taken = [kiosk.post("/api/v1/tickets", json={"service": "A"}) for _ in range(3)]
    assert [r.status_code for r in taken] == [201, 201, 409]
    assert [r.get_json()["ticket"]["number"] for r in taken[:2]] == ["A-001", "A-002"]
    refused = kiosk.post("/api/v1/tickets", json={"service": "B"})
    assert refused.status_code == 409
    with app.app_context():
        rows = dict(database.execute_sql("SELECT s.code, t.last_number FROM queue_tally AS t JOIN service AS s "
                                         "ON s.id = t.service_id").fetchall())
    assert rows.get("A") == 2 and rows.get("B", 0) == 0
