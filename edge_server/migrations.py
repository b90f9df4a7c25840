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


def insert_rows(db: SqliteDatabase, model: type, rows: list[dict]) -> None:
    """Insert rows into ``model``'s table as it is when the migration runs: only the columns the table has
    (a column that a later migration adds does not exist yet), each missing one given the model's default."""
    present = {c.name for c in db.get_columns(model._meta.table_name)}
    defaults = {f.column_name: f.default() if callable(f.default) else f.default
                for f in model._meta.sorted_fields if f.column_name in present and f.default is not None}
    for row in rows:
        values = {name: value for name, value in {**defaults, **row}.items() if name in present}
        columns = ", ".join(f'"{name}"' for name in values)
        db.execute_sql(f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({", ".join("?" * len(values))})',
                       tuple(values.values()))


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
        insert_rows(db, LetterType, seed_rows())


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
    insert_rows(db, LetterType, staff_seed_rows(codes, LetterType.select().count()))


@migration(21, "hub public pages: send what the hub needs for letters numbered or requested before them")
def _public_pages_backfill(db: SqliteDatabase) -> None:
    from zoneinfo import ZoneInfo

    from .clock import Clock
    from .letters import rules
    from .models import LetterRequest, LetterType, Resident, VillageProfile
    from .sync.outbox import append_event as record_event  # the mark of migration 41 is not there yet
    from .sync.public_links import token_digest, verification_data

    # Only the columns this needs, never a whole model: later migrations add columns these tables lack here.
    letters = list(LetterRequest.select(
        LetterRequest.id, LetterRequest.reference, LetterRequest.status, LetterRequest.created_at,
        LetterRequest.letter_number, LetterRequest.verification_code, LetterRequest.numbered_at,
        LetterRequest.track_token, LetterType.code.alias("type_code"), LetterType.name.alias("type_name"),
        LetterType.validity_days, Resident.name.alias("resident_name"))
        .join(LetterType).switch(LetterRequest).join(Resident)
        .where((LetterRequest.letter_number.is_null(False)) | (LetterRequest.status.in_(list(rules.OPEN_STATUSES))))
        .dicts())
    if not letters:
        return
    zone = VillageProfile.select(VillageProfile.timezone).scalar() or "Asia/Jakarta"
    clock = Clock(ZoneInfo(zone))
    now = clock.utcnow()
    for letter in letters:
        day = clock.business_date(letter["created_at"])
        record_event("letter.tracking", day, {
            "letter_id": letter["id"], "reference": letter["reference"], "type": letter["type_code"],
            "type_name": letter["type_name"], "status": letter["status"],
            "track_hash": token_digest(letter["track_token"])}, now)
        if letter["letter_number"] and letter["verification_code"] and letter["numbered_at"]:
            issued = clock.local(letter["numbered_at"]).date()
            record_event("letter.verification", clock.business_date(letter["numbered_at"]), verification_data(
                letter["id"], letter["verification_code"], letter["letter_number"], letter["type_code"],
                letter["type_name"], issued, rules.valid_until(issued, letter["validity_days"]),
                letter["status"] == rules.CANCELLED, letter["resident_name"]), now)


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
        row = LetterType.select(LetterType.id, LetterType.name).where(LetterType.code == old_code).first()
        if row is None or row.name != old_name:
            continue  # not there yet (migration 40 seeds the new codes) or an admin's own
        code = new_code if not LetterType.select().where(LetterType.code == new_code).exists() else old_code
        LetterType.update(code=code, name=new_name).where(LetterType.id == row.id).execute()
        moved = LetterSequence.select().where(LetterSequence.scope == code).exists()
        if code != old_code and not moved:  # the counter moves with its code: the next number continues the year
            LetterSequence.update(scope=code).where(LetterSequence.scope == old_code).execute()
    codes = {code for (code,) in LetterType.select(LetterType.code).tuples()}
    insert_rows(db, LetterType, added_seed_rows(codes, LetterType.select().count()))


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


# Tables whose rows the ticket hot path keeps in memory (edge_server/queue/catalog.py): any change bumps a number.
CATALOG_TABLES = ("service", "service_hours", "holiday", "counter_service")


@migration(31, "queue hot path (after 30, which made service_hours and holiday): a catalog version bumped by "
               "triggers (services, hours, holidays, counters cached in each process), partial indexes for columns "
               "a new ticket leaves empty")
def _hot_path(db: SqliteDatabase) -> None:
    db.execute_sql("CREATE TABLE IF NOT EXISTS catalog_version (id INTEGER PRIMARY KEY CHECK (id = 1), "
                   "version INTEGER NOT NULL)")
    # Starting from a random number, two databases (a restored copy, a test's fresh file) never share a version.
    db.execute_sql("INSERT OR IGNORE INTO catalog_version (id, version) "
                   "VALUES (1, abs(random() % 4611686018427387904))")
    for table in CATALOG_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            db.execute_sql(f"CREATE TRIGGER IF NOT EXISTS catalog_version_{table}_{event.lower()} AFTER {event} "
                           f"ON {table} BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END")
    # A new ticket has no counter, staff or resident yet (and an event is not acked yet): entries for those
    # columns only once set, so taking a ticket writes three index pages fewer. Lookups by `= ?` still use them.
    for table, column in (("ticket", "counter_id"), ("ticket", "staff_id"), ("ticket", "resident_id")):
        db.execute_sql(f"DROP INDEX IF EXISTS {table}_{column}")
        db.execute_sql(f"CREATE INDEX {table}_{column} ON {table} ({column}) WHERE {column} IS NOT NULL")
    # The recent service times: only finished tickets (the query says `finished_at IS NOT NULL`).
    db.execute_sql("DROP INDEX IF EXISTS ticket_service_id_status_finished_at")
    db.execute_sql("CREATE INDEX ticket_service_id_status_finished_at ON ticket (service_id, status, finished_at) "
                   "WHERE finished_at IS NOT NULL")
    # A prefix of the unique (device_id, key) index.
    db.execute_sql("DROP INDEX IF EXISTS idempotency_key_device_id")


@migration(32, "queue hot path: the Idempotency-Key kept in the ticket row (one index instead of a table and three), "
               "no index on issued_at alone")
def _keys_in_tickets(db: SqliteDatabase) -> None:
    from peewee import CharField

    add_column_if_missing(db, "ticket", "request_key", CharField(null=True))
    add_column_if_missing(db, "ticket", "request_hash", CharField(null=True))
    if "idempotency_key" in db.get_tables():
        db.execute_sql("UPDATE ticket SET request_key = k.key, request_hash = k.request_hash "
                       "FROM idempotency_key AS k WHERE k.ticket_id = ticket.id")
        db.execute_sql("DROP TABLE idempotency_key")
    # Per kiosk; the kiosk's keys are time-ordered, so new entries append to the index.
    db.execute_sql("CREATE UNIQUE INDEX IF NOT EXISTS ticket_device_id_request_key "
                   "ON ticket (device_id, request_key) WHERE request_key IS NOT NULL")
    db.execute_sql("DROP INDEX IF EXISTS ticket_issued_at")  # nothing looks tickets up by issue time alone


@migration(33, "queue hot path: no index on ticket status alone or on the ticket's device: no query needs them, and "
               "every ticket wrote to both")
def _fewer_ticket_indexes(db: SqliteDatabase) -> None:
    # Found by running every statement the tests make through EXPLAIN QUERY PLAN on a month of tickets: status
    # alone served only the tally's backfill (a one-off scan) and a survey lookup the partial counter index
    # serves; device_id alone only a bare count. A kiosk's key lookup has its own index (migration 32).
    db.execute_sql("DROP INDEX IF EXISTS ticket_status")
    db.execute_sql("DROP INDEX IF EXISTS ticket_device_id")


@migration(34, "queue hot path: kiosk tokens in the per-process catalog (a device paired, revoked or given a new "
               "token bumps catalog_version)")
def _devices_in_catalog(db: SqliteDatabase) -> None:
    # Only what makes a token valid: a heartbeat's updates of a device's state do not reload the catalogs.
    for name, event in (("insert", "INSERT"), ("delete", "DELETE"),
                        ("update", "UPDATE OF token_hash, revoked_at")):
        db.execute_sql(f"CREATE TRIGGER IF NOT EXISTS catalog_version_device_{name} AFTER {event} ON device "
                       "BEGIN UPDATE catalog_version SET version = version + 1 WHERE id = 1; END")


@migration(35, "outbox: the acked_at index holds acknowledged events only (the unacknowledged are found by seq), "
               "so a new event writes one index fewer")
def _acked_only_index(db: SqliteDatabase) -> None:
    db.execute_sql("DROP INDEX IF EXISTS outbox_event_acked_at")
    db.execute_sql("CREATE INDEX outbox_event_acked_at ON outbox_event (acked_at) WHERE acked_at IS NOT NULL")
    # From here on the unacknowledged are looked for above sync_state.acked_through only: should any older event
    # wait below it, the mark comes down to just under it, so it is sent (the hub stores an event once).
    if "sync_state" in db.get_tables():
        db.execute_sql("UPDATE sync_state SET acked_through = min(acked_through, (SELECT min(seq) - 1 FROM "
                       "outbox_event WHERE acked_at IS NULL)) "
                       "WHERE EXISTS (SELECT 1 FROM outbox_event WHERE acked_at IS NULL)")


@migration(36, "queue hot path: the day's last number in the service's tally row, which the new ticket's trigger "
               "updates too (one B-tree page per ticket instead of two, one statement instead of one or two)")
def _number_in_tally(db: SqliteDatabase) -> None:
    if "last_number" not in {c.name for c in db.get_columns("queue_tally")}:
        db.execute_sql("ALTER TABLE queue_tally ADD COLUMN last_number INTEGER NOT NULL DEFAULT 0")
    if "ticket_sequence" in db.get_tables():
        db.execute_sql("INSERT INTO queue_tally (service_id, business_date, last_number) "
                       "SELECT service_id, business_date, last_number FROM ticket_sequence WHERE true "
                       "ON CONFLICT (service_id, business_date) DO UPDATE SET "
                       "last_number = max(last_number, excluded.last_number)")
        db.execute_sql("DROP TABLE ticket_sequence")


@migration(37, "outbox hot path: the seq is the table's own key (rowid) and the id has no index, since nothing "
               "looks an event up by it: a new event writes one B-tree instead of three")
def _outbox_by_seq(db: SqliteDatabase) -> None:
    if any(c.name == "seq" and c.primary_key for c in db.get_columns("outbox_event")):
        return
    db.execute_sql('CREATE TABLE "outbox_event_by_seq" ("seq" INTEGER NOT NULL PRIMARY KEY, '
                   '"id" VARCHAR(255) NOT NULL, "type" VARCHAR(255) NOT NULL, "occurred_at" DATETIME NOT NULL, '
                   '"business_date" DATE NOT NULL, "data" TEXT NOT NULL, "acked_at" DATETIME)')
    db.execute_sql("INSERT INTO outbox_event_by_seq (seq, id, type, occurred_at, business_date, data, acked_at) "
                   "SELECT seq, id, type, occurred_at, business_date, data, acked_at FROM outbox_event ORDER BY seq")
    db.execute_sql("DROP TABLE outbox_event")
    db.execute_sql("ALTER TABLE outbox_event_by_seq RENAME TO outbox_event")
    db.execute_sql("CREATE INDEX outbox_event_acked_at ON outbox_event (acked_at) WHERE acked_at IS NOT NULL")


@migration(38, "queue hot path: no ticket index on business_date alone (a day's tickets are found through the "
               "indexes that lead with the service): one index fewer for every new ticket")
def _no_day_index(db: SqliteDatabase) -> None:
    db.execute_sql("DROP INDEX IF EXISTS ticket_business_date")


@migration(39, "queue hot path: a take's id comes from the kiosk's Idempotency-Key and its tracking token from its "
               "number, so neither the key nor the token needs an index of its own: two B-trees fewer per ticket")
def _keys_and_tokens_by_place(db: SqliteDatabase) -> None:
    from .queue import track_tokens

    # Tokens made before keep being found (queue/track_tokens.py); the new kind never enters this index. The key
    # index stays as it is: new tickets leave request_key NULL, so only older ones are in it.
    db.execute_sql("DROP INDEX IF EXISTS ticket_track_token")
    db.execute_sql(f"CREATE UNIQUE INDEX ticket_track_token ON ticket (track_token) WHERE {track_tokens.LEGACY}")


@migration(41, "queue hot path: a take writes no outbox row; its ticket.issued event is written from the ticket "
               "row afterwards (sync/outbox.py), so the outbox marks the tickets whose events it holds")
def _issued_event_mark(db: SqliteDatabase) -> None:
    from .sync import outbox

    db.execute_sql(outbox.MARK_TABLE)
    # every ticket taken so far had its event written by its take
    db.execute_sql("INSERT OR IGNORE INTO issued_event_mark (id, issued_through) "
                   "SELECT 1, coalesce(max(rowid), 0) FROM ticket")
    db.execute_sql(outbox.MARK_TRIGGER)
