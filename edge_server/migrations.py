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


@migration(21, "hub public pages: send what the hub needs for letters numbered or requested before them")
def _public_pages_backfill(db: SqliteDatabase) -> None:
    from zoneinfo import ZoneInfo

    from .clock import Clock
    from .letters import rules
    from .letters.service import verification_event
    from .models import LetterRequest, LetterType, Resident, VillageProfile
    from .sync.outbox import record_event
    from .sync.public_links import token_digest

    letters = list(LetterRequest.select(LetterRequest, LetterType, Resident).join(LetterType)
                   .switch(LetterRequest).join(Resident)
                   .where((LetterRequest.letter_number.is_null(False)) | (LetterRequest.status.in_(
                       list(rules.OPEN_STATUSES)))))
    if not letters:
        return
    profile = VillageProfile.select().first()
    clock = Clock(ZoneInfo(profile.timezone if profile else "Asia/Jakarta"))
    now = clock.utcnow()
    for letter in letters:
        day = clock.business_date(letter.created_at)
        record_event("letter.tracking", day, {
            "letter_id": letter.id, "reference": letter.reference, "type": letter.letter_type.code,
            "type_name": letter.letter_type.name, "status": letter.status,
            "track_hash": token_digest(letter.track_token)}, now)
        if letter.letter_number and letter.verification_code and letter.numbered_at:
            record_event("letter.verification", clock.business_date(letter.numbered_at),
                         verification_event(letter, clock), now)


@migration(11, "residents: OpenSID reference values (pendidikan, hubungan, warganegara, golongan darah, cacat, "
               "status dasar)")
def _resident_opensid_values(db: SqliteDatabase) -> None:
    from peewee import CharField

    for column in ("education", "family_relation", "citizenship", "blood_type", "disability", "life_status"):
        add_column_if_missing(db, "resident", column, CharField(default=""))


@migration(12, "letter types named and coded as OpenSID's, numbering kept; OpenSID's missing self-service types")
def _opensid_letter_catalogue(db: SqliteDatabase) -> None:
    from .letters.catalog import OPENSID_RENAMES, added_seed_rows
    from .models import LetterSequence, LetterType

    for old_code, new_code, old_name, new_name in OPENSID_RENAMES:
        row = LetterType.get_or_none(LetterType.code == old_code)
        if row is None or row.name != old_name:
            continue  # not there yet (migration 40 seeds the new codes) or an admin's own
        code = new_code if not LetterType.select().where(LetterType.code == new_code).exists() else old_code
        LetterType.update(code=code, name=new_name).where(LetterType.id == row.id).execute()
        moved = LetterSequence.select().where(LetterSequence.scope == code).exists()
        if code != old_code and not moved:  # the counter moves with its code: the next number continues the year
            LetterSequence.update(scope=code).where(LetterSequence.scope == old_code).execute()
    codes = {code for (code,) in LetterType.select(LetterType.code).tuples()}
    rows = added_seed_rows(codes, LetterType.select().count())
    if rows:
        LetterType.insert_many(rows).execute()


@migration(13, "residents imported before OpenSID codes were mapped: labels for codes, '-' as empty, RT/RW as "
               "three digits, dusun in one form")
def _clean_imported_residents(db: SqliteDatabase) -> None:
    from .residents.cleanup import cleaned_values

    rows = db.execute_sql("SELECT id, religion, occupation, marital_status, address, dusun, rt, rw, birth_place, "
                          "no_kk FROM resident").fetchall()
    changes = [(*cleaned, row[0]) for row in rows if (cleaned := cleaned_values(row[1:])) != tuple(row[1:])]
    if changes:
        db.cursor().executemany("UPDATE resident SET religion = ?, occupation = ?, marital_status = ?, address = ?, "
                                "dusun = ?, rt = ?, rw = ?, birth_place = ?, no_kk = ? WHERE id = ?", changes)


@migration(15, "letter requests: the documents staff have checked")
def _letter_checklist(db: SqliteDatabase) -> None:
    from peewee import TextField

    add_column_if_missing(db, "letter_request", "checklist", TextField(default="[]"))


@migration(16, "letter types: a one-line description for residents")
def _letter_descriptions(db: SqliteDatabase) -> None:
    from peewee import CharField

    from .letters.catalog import DESCRIPTIONS
    from .models import LetterType

    add_column_if_missing(db, "letter_type", "description", CharField(default=""))
    for code, text in DESCRIPTIONS.items():
        LetterType.update(description=text).where((LetterType.code == code) & (LetterType.description == "")).execute()


@migration(6, "staff sessions kept on the server (revocable console logins)")
def _staff_sessions(db: SqliteDatabase) -> None:
    from .models import StaffSession

    db.create_tables([StaffSession], safe=True)


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
