"""Numbered schema migrations (playhouse.migrate). Append new ones; never edit one that has shipped.

Version ranges by area, so parallel work never collides: 1-9 queue and core, 10-19 residents and letters,
20-29 sync, 30-39 village information, 40-49 counter letters and village records. Applied versions are
recorded one by one (table `schema_migration`), so a migration numbered below one that already ran still runs.

Migration 1 creates tables from the current models, so a later migration that adds a column to an existing
table must use `add_column_if_missing` (a fresh database already has it).
"""
from __future__ import annotations

from peewee import Field, SqliteDatabase
from playhouse.migrate import SqliteMigrator, migrate

from .db import migration


def add_column_if_missing(db: SqliteDatabase, table: str, column: str, field: Field) -> None:
    """Add a column unless the table already has it (fresh databases are created with it)."""
    if column not in {c.name for c in db.get_columns(table)}:
        migrate(SqliteMigrator(db).add_column(table, column, field))


@migration(1, "queue, staff, devices, outbox")
def _initial(db: SqliteDatabase) -> None:
    from .models import ALL_MODELS

    db.create_tables(ALL_MODELS, safe=True)


@migration(10, "residents, kiosk sessions, letter types and requests")
def _residents_and_letters(db: SqliteDatabase) -> None:
    from .letters.catalog import seed_rows
    from .models import LETTER_MODELS, LetterType

    db.create_tables(LETTER_MODELS, safe=True)
    if not LetterType.select().exists():
        LetterType.insert_many(seed_rows()).execute()


@migration(30, "village information: office hours, holidays, announcement images, cameras, links, officials")
def _village_information(db: SqliteDatabase) -> None:
    from .models.info import AnnouncementImage, Camera, Contact, Holiday, Link, Official, ServiceHours

    db.create_tables([ServiceHours, Holiday, AnnouncementImage, Camera, Link, Official, Contact], safe=True)


@migration(5, "satisfaction survey")
def _survey(db: SqliteDatabase) -> None:
    from .models.survey import SURVEY_MODELS

    db.create_tables(SURVEY_MODELS, safe=True)


@migration(40, "staff-only letter types: kelahiran, kematian, pindah, pengantar nikah, kepemilikan tanah")
def _staff_letter_types(db: SqliteDatabase) -> None:
    from .letters.catalog import staff_seed_rows
    from .models import LetterType

    codes = {code for (code,) in LetterType.select(LetterType.code).tuples()}
    rows = staff_seed_rows(codes, LetterType.select().count())
    if rows:
        LetterType.insert_many(rows).execute()


@migration(2, "queue tally kept by triggers (O(1) position and estimate), indexes for the waiting order and the "
              "recent service times")
def _queue_tally(db: SqliteDatabase) -> None:
    from .queue import tally

    tally.install(db)
    db.execute_sql("DROP INDEX IF EXISTS ticket_service_id_status_business_date")  # a prefix of the next one
    db.execute_sql("CREATE INDEX IF NOT EXISTS ticket_service_id_status_business_date_priority_issued_at_number "
                   "ON ticket (service_id, status, business_date, priority, issued_at, number)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS ticket_service_id_status_finished_at "
                   "ON ticket (service_id, status, finished_at)")


@migration(3, "drop the ticket indexes that are a prefix of another (service_id, issued_service_id): two fewer "
              "pages written per ticket")
def _drop_prefix_indexes(db: SqliteDatabase) -> None:
    db.execute_sql("DROP INDEX IF EXISTS ticket_service_id")
    db.execute_sql("DROP INDEX IF EXISTS ticket_issued_service_id")
