"""The edge database: SQLite in WAL mode, bound late through a proxy, with numbered migrations."""
from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from peewee import DatabaseProxy, Model, SqliteDatabase
from playhouse.pool import PooledSqliteDatabase

log = logging.getLogger(__name__)

database = DatabaseProxy()

PAGE_SIZE = 512  # bytes; see adopt_page_size

PRAGMAS = {
    "page_size": PAGE_SIZE,  # first: it only takes effect before a new file's first write
    "journal_mode": "wal",
    "synchronous": "normal",  # safe with WAL: a power cut loses at most the last commits, never corrupts
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "cache_size": -8000,
    # Checkpoint every 8,000 WAL pages (4 MiB of 512-byte pages) rather than SQLite's 1,000: a checkpoint copies
    # each page the WAL holds once, and the pages a ticket dirties are mostly the same few leaves, so fewer
    # checkpoints write less to the SD card (bench_queue, one kiosk, 1 KiB pages: 1,000 -> 4,000 pages took
    # 26,500 -> 21,500 bytes per ticket; 512-byte pages, 4,000 -> 8,000: 11,300 -> 10,500).
    "wal_autocheckpoint": 8000,
}


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


def open_database(path: str | Path) -> SqliteDatabase:
    """Open (creating if needed) the SQLite file and bind every model to it.

    Connections are pooled: `database.close()` (after each request, each job pass) hands the connection back
    instead of closing it. Opening one costs a file open, the pragmas and a parse of the whole schema, and closing
    the last one checkpoints the WAL into the database file and deletes it, so a request that opened and closed
    its own connection paid several milliseconds of CPU and ~90 KB of writes for it. `close_all()` really closes
    them (before a fork, before the file is replaced).
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = PooledSqliteDatabase(str(path), pragmas=PRAGMAS, check_same_thread=False, timeout=10,
                              max_connections=None, stale_timeout=None)
    database.initialize(db)
    return db


def adopt_page_size(path: str | Path, page_size: int = PAGE_SIZE) -> bool:
    """Rewrite an existing database file with `page_size` pages, once; True when it did.

    Why 512 bytes rather than SQLite's default 4 KiB: each commit appends every page it dirtied to the WAL, and
    taking a ticket dirties a leaf page in each of six B-trees (eight before edge migration 39) while adding a few
    dozen bytes to each, so small pages write less to the SD card per ticket. bench/bench_queue.py, after edge
    migrations 36-38 (eight B-trees): one kiosk 15,000 -> 11,100 bytes per ticket against 1 KiB pages, eight
    11,700 -> 8,400, fifty 5,500 -> 4,900, and the take's CPU no higher; the 100,000-resident import takes as
    long. Index keys over about 100 bytes spill into an overflow page (correct, slower); no hot index has such
    keys. A WAL database changes its page size only by VACUUM outside WAL mode, which needs the file to itself:
    it runs at start, before any connection of ours, and if another program holds the file it is left as it is
    until the next start.
    """
    import sqlite3

    path = Path(path)
    if not path.exists():
        return False
    con = sqlite3.connect(path, isolation_level=None, timeout=1)
    try:
        if con.execute("PRAGMA page_size").fetchone()[0] == page_size:
            return False
        log.info("database %s: rewriting with %d-byte pages (once)", path.name, page_size)
        con.execute("PRAGMA journal_mode = DELETE")
        con.execute(f"PRAGMA page_size = {int(page_size)}")
        con.execute("VACUUM")
        _lower_issued_event_mark(con)
        return con.execute("PRAGMA page_size").fetchone()[0] == page_size
    except sqlite3.OperationalError as exc:  # another process has it open (busy, locked): next start
        log.warning("database %s keeps its page size for now: %s", path.name, exc)
        return False
    finally:
        try:
            con.execute("PRAGMA journal_mode = WAL")
        finally:
            con.close()


def _lower_issued_event_mark(con) -> None:
    """After a VACUUM: keep the outbox's mark of written ticket.issued events at most the largest ticket rowid,
    should SQLite ever renumber the rows (sync/outbox.py). A database older than edge migration 41 has no mark."""
    from .sync.outbox import LOWER_MARK

    if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'issued_event_mark'").fetchone():
        con.execute(LOWER_MARK)


def close_all_connections() -> None:
    """Really close every pooled connection of this process, and its group commit connection (before a fork or
    a file swap)."""
    db = database.obj
    if db is None:
        return
    if not db.is_closed():
        db.close()
    if hasattr(db, "close_all"):
        db.close_all()
    held = db.__dict__.pop("_group_connection", None)
    if held is not None and held[0] == _pid[0]:
        held[1].close()


def group_connection(db) -> sqlite3.Connection:
    """This process's one connection for the group commit's transactions (group_commit.py), whichever request
    thread leads them; used only during this process's write turn (`_write_turn`), so by one thread at a time.

    Why: in WAL mode a connection drops its whole page cache when another connection has committed since its last
    transaction. Each take ran on the connection of the thread that led its group, one of the worker's two dozen,
    so nearly every take found its cache stale and read its B-tree paths again (pread: 24 read system calls a
    ticket at one kiosk, 31 with 10,000 waiting). On one connection the cache stays warm between takes: 1.4 and
    2.9 read calls, and CPU a ticket at one kiosk 0.287 / 0.316 -> 0.252 / 0.242 ms (two alternated pairs of
    2,000 takes; docs/operator.md). Made by SqliteDatabase's own `_connect` (the same pragmas and functions as
    the pool's connections) and kept out of the pool; a forked child makes its own.
    """
    held = db.__dict__.get("_group_connection")
    if held is None or held[0] != _pid[0]:
        held = db.__dict__["_group_connection"] = (_pid[0], SqliteDatabase._connect(db))
    return held[1]


_ROW_FIELDS: dict[tuple, list] = {}  # (model, sql) -> [(field name, converter) per result column]


def raw_first(model, sql: str, *params):
    """The first `model` row of a constant SQL text, or None. For hot paths (every kiosk request resolves its
    token here): peewee building a statement, or mapping a raw cursor's columns on every call, costs more CPU than
    SQLite running a primary-key or unique-index lookup, so the column mapping is worked out once per statement."""
    cursor = database.execute_sql(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    fields = _ROW_FIELDS.get((model, sql))
    if fields is None:
        columns = model._meta.columns
        fields = _ROW_FIELDS[(model, sql)] = [
            (columns[name].name, columns[name].python_value) if name in columns else (name, None)
            for name, *_rest in cursor.description]
    instance = model(__no_default__=1)
    data = instance.__data__
    for (name, convert), value in zip(fields, row, strict=True):
        data[name] = convert(value) if convert is not None and value is not None else value
    instance._dirty.clear()
    return instance


_writers = threading.Lock()
_writer_files: dict[str, tuple[int, int]] = {}  # database path -> (pid, fd of its .writelock file)


def _writer_file(db) -> int | None:
    """This process's descriptor of the database's lock file, opened after any fork (a descriptor inherited
    across a fork shares its flock with the parent, so each process opens its own)."""
    path = getattr(db, "database", None)
    if not path or path == ":memory:":
        return None
    known = _writer_files.get(path)
    if known is None or known[0] != _pid[0]:
        try:
            fd = os.open(f"{path}.writelock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError:
            return None
        known = _writer_files[path] = (_pid[0], fd)
    return known[1]


_pid = [os.getpid()]  # this process's id, kept current across forks: a system call fewer for every write
os.register_at_fork(after_in_child=lambda: _pid.__setitem__(0, os.getpid()))


@contextmanager
def _write_turn(db):
    """Wait for this process's turn to write: a thread lock, then an flock shared by the worker processes.

    SQLite's busy handler waits for a lock held by another connection by sleeping 1, 2, 5 ... 100 ms, so with 50
    kiosks at once the unlucky ones slept for hundreds of milliseconds while the lock was free; threads and
    processes queued here are woken when it is released. Other programs (the CLI) still meet SQLite's own lock.
    """
    with _writers:
        fd = _writer_file(db)
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)


@contextmanager
def write_transaction():
    """A read-then-write transaction: BEGIN IMMEDIATE takes the write lock before the first read (after this
    process's turn, `_write_turn`)."""
    db = database.obj
    if db.in_transaction():
        with db.atomic():
            yield
        return
    with _write_turn(db), db.atomic("IMMEDIATE"):
        yield


# ---- migrations -------------------------------------------------------------------------------------------

MIGRATIONS: list[tuple[int, str, Callable[[SqliteDatabase], None]]] = []


def migration(version: int, description: str):
    """Register a schema migration; versions run in order, each once, each in its own transaction."""

    def register(func: Callable[[SqliteDatabase], None]):
        if any(known == version for known, _, _ in MIGRATIONS):
            raise ValueError(f"edge migration {version} is registered twice")
        MIGRATIONS.append((version, description, func))
        MIGRATIONS.sort(key=lambda m: m[0])
        return func

    return register


def schema_version(db: SqliteDatabase) -> int:
    return db.execute_sql("PRAGMA user_version").fetchone()[0]


def applied_migrations(db: SqliteDatabase) -> set[int]:
    """Versions already applied. Kept as a set, so a migration numbered below one that ran earlier (work on
    different areas landing in another order) still runs once."""
    db.execute_sql("CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, "
                   "description TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)")
    applied = {row[0] for row in db.execute_sql("SELECT version FROM schema_migration")}
    if not applied and schema_version(db) > 0:  # a database from before the table existed
        applied = {v for v, _d, _f in MIGRATIONS if v <= schema_version(db)}
        for version in sorted(applied):
            db.execute_sql("INSERT INTO schema_migration (version, description) VALUES (?, ?)",
                           (version, "recorded from user_version"))
    return applied


def migrate(db: SqliteDatabase) -> int:
    """Apply every registered migration not applied yet, in version order; returns the newest version.

    Safe to run at every start; each migration runs in its own BEGIN IMMEDIATE transaction.
    """
    from . import migrations  # noqa: F401  (registers the migrations)

    with db.atomic("IMMEDIATE"):
        applied = applied_migrations(db)
    for version, description, func in MIGRATIONS:
        if version in applied:
            continue
        log.info("database migration %d: %s", version, description)
        with db.atomic("IMMEDIATE"):
            if version in applied_migrations(db):  # another process got there first
                continue
            func(db)
            db.execute_sql("INSERT INTO schema_migration (version, description) VALUES (?, ?)",
                           (version, description))
            newest = max(applied_migrations(db))
            db.execute_sql(f"PRAGMA user_version = {int(newest)}")
        applied.add(version)
    return max(applied, default=0)
