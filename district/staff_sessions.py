"""Dashboard sessions kept on the server: the cookie carries only a random token, the row says whether it still
counts. Logout, a password reset and a disabled account delete the rows, so a cookie saved earlier stops working
at once; the idle and absolute limits are checked against the row, not against anything the browser sends."""
from __future__ import annotations

import hashlib
import secrets

from peewee import BigIntegerField, CharField, ForeignKeyField

from .db import BaseModel, write_transaction
from .models import StaffUser

TOUCH_EVERY_SECONDS = 15  # at most one write per session this often (the idle clock's resolution)


class StaffSession(BaseModel):
    """One logged-in browser (migration 10). Times are unix seconds of the dashboard's clock."""

    token_sha256 = CharField(max_length=64, unique=True)
    staff = ForeignKeyField(StaffUser, on_delete="CASCADE")
    created_unix = BigIntegerField()
    seen_unix = BigIntegerField()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start(staff_id: int, now: float, idle_seconds: int, max_seconds: int) -> str:
    """A new session for a staff member; returns its token (for the cookie; only its hash is stored).

    Sessions past either limit are removed on the way, so the table holds only live ones."""
    token = secrets.token_urlsafe(32)
    with write_transaction():
        StaffSession.delete().where((StaffSession.seen_unix < now - idle_seconds)
                                    | (StaffSession.created_unix < now - max_seconds)).execute()
        StaffSession.create(token_sha256=_digest(token), staff=staff_id, created_unix=int(now),
                            seen_unix=int(now))
    return token


def current(token: str, now: float, idle_seconds: int, max_seconds: int) -> tuple[StaffSession | None, str]:
    """The live session for `token` and "", or (None, why): "unknown" (logged out, revoked) or "expired"."""
    if not isinstance(token, str) or not token:
        return None, "unknown"
    row = StaffSession.get_or_none(StaffSession.token_sha256 == _digest(token))
    if row is None:
        return None, "unknown"
    if now - row.seen_unix > idle_seconds or now - row.created_unix > max_seconds:
        row.delete_instance()
        return None, "expired"
    if now - row.seen_unix >= TOUCH_EVERY_SECONDS:
        StaffSession.update(seen_unix=int(now)).where(StaffSession.id == row.id).execute()
    return row, ""


def end(token: str) -> None:
    """Logout: this session stops counting everywhere (every worker, every saved copy of the cookie)."""
    if isinstance(token, str) and token:
        StaffSession.delete().where(StaffSession.token_sha256 == _digest(token)).execute()


def end_all(staff_id: int) -> int:
    """Every session of one staff member ends (password reset, account disabled); returns how many."""
    return StaffSession.delete().where(StaffSession.staff == staff_id).execute()
