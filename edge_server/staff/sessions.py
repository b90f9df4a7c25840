"""Console logins kept on the server: a random token in the signed cookie, its sha256 in `StaffSession`.

A cookie alone proves nothing any more: the row must exist, belong to an active user, be younger than
`staff_session_minutes` and have been used within `staff_idle_minutes`. Ending a login deletes its row, so a
cookie copied before logout (or before a password change, or before the user was disabled) stops working.

Ages are measured on the host's wall clock (`wall_now`), not the village clock: a login lasts so many real
minutes even when the village clock is corrected by a day (tests move the village clock freely).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ..config import EdgeConfig
from ..db import write_transaction
from ..models import StaffSession, StaffUser
from ..security import new_token, token_digest

TOUCH_SECONDS = 60  # last_seen is written at most this often (the console polls every few seconds)


def wall_now() -> datetime:
    """Naive UTC from the host clock."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def open_session(user: StaffUser, now: datetime) -> str:
    """A new login for `user`; returns the token for the cookie (stored only as its digest)."""
    token = new_token()
    StaffSession.create(token_hash=token_digest(token), staff=user, created_at=now, last_seen=now)
    return token


def resolve(token: object, cfg: EdgeConfig, now: datetime) -> StaffUser | None:
    """The active user of a live login, or None (an ended, expired or idle login is deleted on the way)."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    row = StaffSession.get_or_none(StaffSession.token_hash == token_digest(token))
    if row is None:
        return None
    expired = (now - row.created_at >= timedelta(minutes=cfg.staff_session_minutes)
               or now - row.last_seen >= timedelta(minutes=cfg.staff_idle_minutes))
    user = StaffUser.get_or_none((StaffUser.id == row.staff_id) & (StaffUser.active == True))  # noqa: E712
    if expired or user is None:
        StaffSession.delete().where(StaffSession.id == row.id).execute()
        return None
    if now - row.last_seen >= timedelta(seconds=TOUCH_SECONDS):
        with write_transaction():
            StaffSession.update(last_seen=now).where(StaffSession.id == row.id).execute()
    return user


def end(token: object) -> None:
    """Log this one login out."""
    if isinstance(token, str) and token:
        StaffSession.delete().where(StaffSession.token_hash == token_digest(token)).execute()


def end_all(staff_id: int, keep: object = None) -> int:
    """End every login of a user (password changed or reset, user disabled), except the token `keep`."""
    query = StaffSession.delete().where(StaffSession.staff == staff_id)
    if isinstance(keep, str) and keep:
        query = StaffSession.delete().where((StaffSession.staff == staff_id)
                                            & (StaffSession.token_hash != token_digest(keep)))
    return query.execute()


def prune(cfg: EdgeConfig, now: datetime) -> int:
    """Delete logins past either limit (called at each login, so the table stays small)."""
    return StaffSession.delete().where(
        (StaffSession.created_at < now - timedelta(minutes=cfg.staff_session_minutes))
        | (StaffSession.last_seen < now - timedelta(minutes=cfg.staff_idle_minutes))).execute()
