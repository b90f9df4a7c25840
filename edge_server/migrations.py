"""Numbered schema migrations (playhouse.migrate). Append new ones; never edit one that has shipped.

Version ranges by area, so parallel work never collides: 1-9 queue and core, 10-19 residents and letters,
20-29 sync, 30-39 village information, 40-49 counter letters and village records. Applied versions are
recorded one by one (table `schema_migration`), so a migration numbered below one that already ran still runs.

The migrations that made tables run frozen SQL (edge_server/schema/NNNN_*.sql), the tables as they were when
the migration shipped, so a fresh database is built by the same steps as an upgraded one. A model change is
therefore always a new migration; `add_column_if_missing` keeps one safe to run twice.
"""
from __future__ import annotations

from pathlib import Path

from peewee import Field, SqliteDatabase
from playhouse.migrate import SqliteMigrator, migrate

from .db import migration

SCHEMA_DIR = Path(__file__).parent / "schema"


def run_schema_file(db: SqliteDatabase, name: str) -> None:
    """Run a frozen schema file, one statement at a time (inside the migration's transaction)."""
    text = (SCHEMA_DIR / name).read_text()
    body = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    for statement in body.split(";\n"):
        if statement.strip():
            db.execute_sql(statement.replace("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", 1)
                           .replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
                           .replace("CREATE UNIQUE INDEX ", "CREATE UNIQUE INDEX IF NOT EXISTS ", 1))


def add_column_if_missing(db: SqliteDatabase, table: str, column: str, field: Field) -> None:
    """Add a column unless the table has it already (so the migration is safe to run twice)."""
    if column not in {c.name for c in db.get_columns(table)}:
        migrate(SqliteMigrator(db).add_column(table, column, field))


@migration(1, "queue, staff, devices, outbox")
def _initial(db: SqliteDatabase) -> None:
    run_schema_file(db, "0001_core.sql")


@migration(10, "residents, kiosk sessions, letter types and requests")
def _residents_and_letters(db: SqliteDatabase) -> None:
    from .letters.catalog import seed_rows
    from .models import LetterType

    run_schema_file(db, "0010_letters.sql")
    if not LetterType.select().exists():
        LetterType.insert_many(seed_rows()).execute()


@migration(30, "village information: office hours, holidays, announcement images, cameras, links, officials")
def _village_information(db: SqliteDatabase) -> None:
    run_schema_file(db, "0030_information.sql")


@migration(5, "satisfaction survey")
def _survey(db: SqliteDatabase) -> None:
    run_schema_file(db, "0005_survey.sql")


@migration(40, "staff-only letter types: kelahiran, kematian, pindah, pengantar nikah, kepemilikan tanah")
def _staff_letter_types(db: SqliteDatabase) -> None:
    from .letters.catalog import staff_seed_rows
    from .models import LetterType

    codes = {code for (code,) in LetterType.select(LetterType.code).tuples()}
    rows = staff_seed_rows(codes, LetterType.select().count())
    if rows:
        LetterType.insert_many(rows).execute()
