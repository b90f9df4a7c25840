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


def reserve_attempt(username: str, now: datetime, max_failures: int, lock_seconds: int) -> bool | None:
    """Count one login attempt as a failure BEFORE its password is checked; a success clears it afterwards.

    :returns: None when the name is locked (do not check the password at all); True when this attempt is the
        last one allowed and has locked the name (a wrong password then answers "locked"); False otherwise.
    Counting first is what makes the limit hold in parallel: of 20 simultaneous guesses with a limit of 5, five
    get a password check and fifteen are refused without one. Failures older than the lock period are forgotten,
    and so are rows nobody has touched since (so guessing many made-up names cannot grow the table for ever).
    """
    cutoff = now - timedelta(seconds=lock_seconds)
    with write_transaction():
        LoginThrottle.delete().where(
            (LoginThrottle.last_failure_at < cutoff)
            & (LoginThrottle.locked_until.is_null() | (LoginThrottle.locked_until < now))).execute()
        LoginThrottle.insert(username=username, failures=0, last_failure_at=now).on_conflict_ignore().execute()
        # One conditional UPDATE: the row lock (PostgreSQL) or the write lock (SQLite) makes parallel attempts
        # queue here, and each sees the lock the one before it may have set.
        counted = LoginThrottle.update(failures=LoginThrottle.failures + 1, last_failure_at=now).where(
            (LoginThrottle.username == username)
            & (LoginThrottle.locked_until.is_null() | (LoginThrottle.locked_until <= now))).execute()
        if not counted:
            return None
        row = LoginThrottle.get(LoginThrottle.username == username)
        if row.failures < max_failures:
            return False
        LoginThrottle.update(failures=0, locked_until=now + timedelta(seconds=lock_seconds)).where(
            LoginThrottle.id == row.id).execute()
    log.warning("district login locked for %d s after %d attempts: %s", lock_seconds, max_failures, username)
    return True


def clear(username: str) -> None:
    """A successful login forgets earlier failures (and its own reserved attempt, and a lock it set)."""
    LoginThrottle.delete().where(LoginThrottle.username == username).execute()
