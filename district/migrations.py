"""Numbered schema migrations of the hub. Append new ones; never edit one that has shipped.

The first three run frozen SQL (district/schema/NNNN_*.{sqlite,postgresql}.sql), the tables as they were when
they shipped, so a fresh hub is built by the same steps as an upgraded one; a model change is a new migration.
"""
from __future__ import annotations

from pathlib import Path

from peewee import Database, SqliteDatabase

from .db import migration

SCHEMA_DIR = Path(__file__).parent / "schema"


def run_schema_file(db: Database, name: str) -> None:
    """Run a frozen schema file in the database's own dialect, one statement at a time."""
    dialect = "sqlite" if isinstance(db, SqliteDatabase) else "postgresql"
    text = (SCHEMA_DIR / f"{name}.{dialect}.sql").read_text()
    body = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    for statement in body.split(";\n"):
        if statement.strip():
            db.execute_sql(statement)


@migration(1, "villages, events, device states, announcements, staff, settings")
def _initial(db: Database) -> None:
    run_schema_file(db, "0001_core")


@migration(2, "edge backups, releases, each village's edge version")
def _backups_releases_versions(db: Database) -> None:
    from peewee import CharField
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator
    from playhouse.migrate import migrate as run

    from .models import Village

    run_schema_file(db, "0002_files")
    columns = {c.name for c in db.get_columns(Village._meta.table_name)}
    if "edge_version" not in columns:  # a hub made before this migration shipped
        migrator = SqliteMigrator(db) if isinstance(db, SqliteDatabase) else PostgresqlMigrator(db)
        run(migrator.add_column(Village._meta.table_name, "edge_version", CharField(max_length=40, default="")))


@migration(3, "dashboard login lockout per username")
def _login_throttle(db: Database) -> None:
    run_schema_file(db, "0003_login_throttle")


@migration(10, "revocable dashboard sessions kept on the server")
def _staff_sessions(db: Database) -> None:
    from .staff_sessions import StaffSession

    db.create_tables([StaffSession], safe=True)


@migration(20, "public pages: tickets and letters projected from the synced events")
def _public_pages(db: Database) -> None:
    from .public.models import PUBLIC_MODELS

    db.create_tables(PUBLIC_MODELS, safe=True)


@migration(21, "public tickets: updates of a ticket's status write no index (HOT): status out of the queue index")
def _public_ticket_hot_updates(db: Database) -> None:
    # Every called, started and finished event updates its ticket's row. With the status in an index, each update
    # wrote a new entry in all four of the table's indexes; without it, and with room left on each page, PostgreSQL
    # updates the row in place (bench/bench_sync.py). The public page's count of who waits ahead reads the day's
    # tickets of one service through (village, day, service) and checks their status: a few hundred rows.
    db.execute_sql("DROP INDEX IF EXISTS public_ticket_village_code_business_date_service_status")
    db.execute_sql("CREATE INDEX IF NOT EXISTS public_ticket_village_code_business_date_service "
                   "ON public_ticket (village_code, business_date, service)")
    if not isinstance(db, SqliteDatabase):
        db.execute_sql("ALTER TABLE public_ticket SET (fillfactor = 80)")  # pages written from now on


@migration(22, "events: no index on the village alone (the unique indexes on village and id, and on village and seq, "
               "lead with it)")
def _no_event_village_index(db: Database) -> None:
    # One index fewer to write for every event stored: about 2.5 of PostgreSQL's 30 us of CPU per event in
    # bench/bench_sync.py. A lookup or a cascading delete by village uses the leading column of the others.
    db.execute_sql("DROP INDEX IF EXISTS event_village_code")
