"""The login lockout: after N wrong passwords for one username (known or not), that name is locked for a while.

Counted per username, not per address: staff log in from shared office networks, and a guesser changes address
easily. Stored in the database so every gunicorn worker (and every hub behind a load balancer) sees the same count.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from peewee import SqliteDatabase

from anjungan_core.lockout import Attempts, LockoutRule

from ..db import database, write_transaction
from ..models import LoginThrottle

log = logging.getLogger(__name__)


def reserve_attempt(username: str, now: datetime, max_failures: int, lock_seconds: int) -> bool | None:
    """Count one login attempt BEFORE its password is checked (`anjungan_core.lockout`: the edge counts the same
    way); a success clears it afterwards.

    :returns: None when the name is locked (do not check the password at all); True when this attempt is the
        last one allowed and has locked the name (a wrong password then answers "locked"); False otherwise.
    Rows nobody has touched for a lock period are deleted, so guessing many made-up names cannot grow the table.
    """
    rule = LockoutRule(max_failures, lock_seconds)
    with write_transaction():
        LoginThrottle.delete().where(
            (LoginThrottle.last_failure_at < now - timedelta(seconds=lock_seconds))
            & (LoginThrottle.locked_until.is_null() | (LoginThrottle.locked_until < now))).execute()
        LoginThrottle.insert(username=username, failures=0, last_failure_at=now).on_conflict_ignore().execute()
        query = LoginThrottle.select().where(LoginThrottle.username == username)
        # PostgreSQL: lock the row, so parallel attempts queue here and each sees the count the one before left.
        row = (query if isinstance(database.obj, SqliteDatabase) else query.for_update()).get()
        counted = rule.reserve(Attempts(row.failures, row.locked_until, row.last_failure_at), now)
        if counted is None:
            return None
        LoginThrottle.update(failures=counted.failures, locked_until=counted.locked_until,
                             last_failure_at=now).where(LoginThrottle.id == row.id).execute()
    if counted.locked_until is None:
        return False
    log.warning("district login locked for %d s after %d attempts: %s", lock_seconds, max_failures, username)
    return True


def clear(username: str) -> None:
    """A successful login forgets earlier failures (and its own reserved attempt, and a lock it set)."""
    LoginThrottle.delete().where(LoginThrottle.username == username).execute()
