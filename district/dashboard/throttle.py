"""The login lockout: after N wrong passwords for one username (known or not), that name is locked for a while.

Counted per username, not per address: staff log in from shared office networks, and a guesser changes address
easily. Stored in the database so every gunicorn worker (and every hub behind a load balancer) sees the same count.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from ..db import write_transaction
from ..models import LoginThrottle

log = logging.getLogger(__name__)


def locked_until(username: str, now: datetime) -> datetime | None:
    """When the lock on `username` ends, or None when it may try now."""
    row = LoginThrottle.get_or_none(LoginThrottle.username == username)
    if row is not None and row.locked_until is not None and row.locked_until > now:
        return row.locked_until
    return None


def record_failure(username: str, now: datetime, max_failures: int, lock_seconds: int) -> bool:
    """Count one wrong password; returns True when this one locked the name.

    Failures older than the lock period are forgotten, and so are rows nobody has touched since (so guessing
    many made-up names cannot grow the table for ever).
    """
    cutoff = now - timedelta(seconds=lock_seconds)
    with write_transaction():
        LoginThrottle.delete().where(
            (LoginThrottle.last_failure_at < cutoff)
            & (LoginThrottle.locked_until.is_null() | (LoginThrottle.locked_until < now))).execute()
        LoginThrottle.insert(username=username, failures=0, last_failure_at=now).on_conflict_ignore().execute()
        # One UPDATE: the row lock (PostgreSQL) or the write lock (SQLite) makes concurrent failures all count.
        LoginThrottle.update(failures=LoginThrottle.failures + 1, last_failure_at=now).where(
            LoginThrottle.username == username).execute()
        row = LoginThrottle.get(LoginThrottle.username == username)
        if row.failures < max_failures:
            return False
        LoginThrottle.update(failures=0, locked_until=now + timedelta(seconds=lock_seconds)).where(
            LoginThrottle.id == row.id).execute()
    log.warning("district login locked for %d s after %d failures: %s", lock_seconds, max_failures, username)
    return True


def clear(username: str) -> None:
    """A successful login forgets earlier failures."""
    LoginThrottle.delete().where(LoginThrottle.username == username).execute()
