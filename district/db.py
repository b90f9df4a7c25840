"""The hub's database: PostgreSQL in production, SQLite for a demo; models bound late; numbered migrations."""
from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

from peewee import Database, DatabaseProxy, Model, SqliteDatabase
from playhouse.pool import PooledPostgresqlDatabase

log = logging.getLogger(__name__)

database = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


def open_database(database_url: str, sqlite_path: str | Path) -> Database:
    """Open PostgreSQL (a small connection pool per process) or the SQLite file, and bind the models."""
    if database_url.startswith(("postgresql://", "postgres://")):
        url = urlparse(database_url)
        db = PooledPostgresqlDatabase(
            url.path.lstrip("/") or "postgres", user=unquote(url.username or "") or None,
            password=unquote(url.password or "") or None, host=url.hostname or None, port=url.port or None,
            max_connections=32, stale_timeout=300, timeout=30, autoconnect=True)
    else:
        path = Path(database_url[len("sqlite:///"):] if database_url.startswith("sqlite:///") else sqlite_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = SqliteDatabase(str(path), check_same_thread=False, timeout=30, pragmas={
            "journal_mode": "wal", "synchronous": "normal", "foreign_keys": 1, "busy_timeout": 30000})
    database.initialize(db)
    return db


def is_postgres() -> bool:
    return not isinstance(database.obj, SqliteDatabase)


@contextmanager
def write_transaction():
    """A write transaction: BEGIN IMMEDIATE on SQLite (take the write lock first); plain BEGIN on PostgreSQL,
    where callers lock the rows they read with FOR UPDATE."""
    db = database.obj
    if db.in_transaction():
        with db.atomic():
            yield
        return
    if isinstance(db, SqliteDatabase):
        with db.atomic("IMMEDIATE"):
            yield
    else:
        with db.atomic():
            yield


# ---- migrations -------------------------------------------------------------------------------------------

MIGRATIONS: list[tuple[int, str, Callable[[Database], None]]] = []


def migration(version: int, description: str):
    """Register a schema migration; each runs once, in order, in its own transaction."""

    def register(func):
        MIGRATIONS.append((version, description, func))
        MIGRATIONS.sort(key=lambda m: m[0])
        return func

    return register


def migrate(db: Database) -> int:
    """Bring the schema to the newest version (safe at every start, and from several processes at once)."""
    from . import migrations  # noqa: F401  (registers them)

    db.execute_sql("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                   "description TEXT NOT NULL)")
    current = 0
    for version, description, func in MIGRATIONS:
        with write_transaction():
            if not isinstance(db, SqliteDatabase):
                # One process migrates; the others wait here and then see the version done.
                db.execute_sql("LOCK TABLE schema_migrations IN EXCLUSIVE MODE")
            done = db.execute_sql("SELECT 1 FROM schema_migrations WHERE version = %s" % int(version)).fetchone()
            if not done:
                log.info("district migration %d: %s", version, description)
                func(db)
                db.execute_sql("INSERT INTO schema_migrations (version, description) VALUES (%d, '%s')"
                               % (int(version), description.replace("'", "")))
        current = version
    return current
