"""How many wait, per service and business day, kept by SQLite triggers: a ticket's position and estimate cost
a primary-key read, not a count over the whole waiting queue.

Triggers (not Python) keep `queue_tally` true whatever writes the ticket table: issue, call, transfer, cancel,
retention, a restore, a test inserting rows by hand. Installed and back-filled by edge migration 2.

The same row holds the day's last number of the service (`last_number`, edge migration 36; issuing.next_number):
a new ticket bumps the number and its trigger the waiting count in one B-tree page.
"""
from __future__ import annotations

from datetime import date

from ..db import database
from . import rules

TABLE = ("CREATE TABLE IF NOT EXISTS queue_tally (service_id INTEGER NOT NULL, business_date DATE NOT NULL, "
         "waiting INTEGER NOT NULL DEFAULT 0, waiting_priority INTEGER NOT NULL DEFAULT 0, "
         "PRIMARY KEY (service_id, business_date)) WITHOUT ROWID")

_ADD = ("INSERT INTO queue_tally (service_id, business_date, waiting, waiting_priority) "
        "SELECT NEW.service_id, NEW.business_date, 1, NEW.priority WHERE NEW.status = 'waiting' "
        "ON CONFLICT (service_id, business_date) DO UPDATE SET waiting = waiting + 1, "
        "waiting_priority = waiting_priority + excluded.waiting_priority;")
_REMOVE = ("UPDATE queue_tally SET waiting = waiting - 1, waiting_priority = waiting_priority - OLD.priority "
           "WHERE OLD.status = 'waiting' AND service_id = OLD.service_id AND business_date = OLD.business_date;")

TRIGGERS = (
    f"CREATE TRIGGER IF NOT EXISTS queue_tally_insert AFTER INSERT ON ticket BEGIN {_ADD} END",
    f"CREATE TRIGGER IF NOT EXISTS queue_tally_delete AFTER DELETE ON ticket BEGIN {_REMOVE} END",
    "CREATE TRIGGER IF NOT EXISTS queue_tally_update AFTER UPDATE OF status, service_id, business_date, priority "
    "ON ticket WHEN OLD.status = 'waiting' OR NEW.status = 'waiting' "
    f"BEGIN {_REMOVE} {_ADD} END",
)

# A recount that keeps each row's other columns (the day's last number since migration 36).
BACKFILL = ("INSERT INTO queue_tally (service_id, business_date, waiting, waiting_priority) "
            "SELECT service_id, business_date, count(*), coalesce(sum(priority), 0) FROM ticket "
            "WHERE status = 'waiting' GROUP BY service_id, business_date "
            "ON CONFLICT (service_id, business_date) DO UPDATE SET waiting = excluded.waiting, "
            "waiting_priority = excluded.waiting_priority")


def install(db) -> None:
    """Create the tally table and its triggers and count what waits now (inside a migration's transaction)."""
    db.execute_sql(TABLE)
    for statement in TRIGGERS:
        db.execute_sql(statement)
    db.execute_sql("UPDATE queue_tally SET waiting = 0, waiting_priority = 0")
    db.execute_sql(BACKFILL)


def waiting(service_id: int, business_date: date) -> tuple[int, int]:
    """(all waiting, priority waiting) for a service on a day."""
    row = database.execute_sql("SELECT waiting, waiting_priority FROM queue_tally WHERE service_id = ? AND "
                               "business_date = ?", (service_id, business_date.isoformat())).fetchone()
    return (row[0], row[1]) if row else (0, 0)


BEHIND = ("SELECT count(*) FROM (SELECT 1 FROM ticket WHERE service_id = ? AND status = ? AND business_date = ? "
           "AND priority = ? AND issued_at >= ? AND (issued_at > ? OR number > ?) AND id != ? LIMIT ?)")
# (`issued_at >= ?` first: written as an OR, SQLite with bound parameters scans the whole priority class.)


def behind(service_id: int, business_date: date, priority: bool, issued_at: str, number: int, ticket_id: str,
           limit: int) -> int:
    """How many of the same priority class wait behind a ticket, counting at most `limit` (an index range scan
    from the ticket to the back of the queue: one row for a ticket just taken)."""
    return database.execute_sql(BEHIND, (service_id, rules.WAITING, business_date.isoformat(), int(priority),
                                          issued_at, issued_at, number, ticket_id, limit)).fetchone()[0]
