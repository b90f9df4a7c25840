"""Fixed-window rate limits kept in the database, so every worker thread and process sees the same count."""
from __future__ import annotations

from datetime import datetime, timedelta

from .db import write_transaction
from .models import RateLimit


def hit(key: str, limit: int, window: timedelta, now: datetime) -> bool:
    """Count one try for `key`; True while the window still allows it, False once it is over the limit."""
    with write_transaction():
        row = RateLimit.get_or_none(RateLimit.key == key)
        if row is None or now - row.window_start >= window:
            if row is None:
                RateLimit.create(key=key, window_start=now, count=1)
            else:
                RateLimit.update(window_start=now, count=1).where(RateLimit.id == row.id).execute()
            return True
        RateLimit.update(count=RateLimit.count + 1).where(RateLimit.id == row.id).execute()
        return row.count + 1 <= limit


def blocked(key: str, limit: int, window: timedelta, now: datetime) -> bool:
    """True when `key` has used up its window, without counting a try."""
    row = RateLimit.get_or_none(RateLimit.key == key)
    return row is not None and now - row.window_start < window and row.count >= limit


def reset(key: str) -> None:
    RateLimit.delete().where(RateLimit.key == key).execute()


def refund(key: str) -> None:
    """Give back one try counted by `hit` (a try that turned out fine, e.g. a correct pairing code)."""
    with write_transaction():
        RateLimit.update(count=RateLimit.count - 1).where((RateLimit.key == key) & (RateLimit.count > 0)).execute()
