"""Lockouts on the edge (staff logins, kiosk PINs): `anjungan_core.lockout`'s rule, stored in the edge's tables
(`LoginThrottle` by username, `PinThrottle` by a keyed digest of the NIK) under SQLite's write lock."""
from __future__ import annotations

from datetime import datetime

from peewee import Field, Model

from anjungan_core.lockout import Attempts, LockoutRule

from .db import write_transaction


def reserve(table: type[Model], key_field: Field, key: str, rule: LockoutRule, now: datetime) -> bool:
    """Count one try for ``key`` before its secret is checked; False while the key is locked (check nothing).

    Rows whose lock has run out are deleted on the way (they carry nothing worth keeping).
    """
    with write_transaction():  # BEGIN IMMEDIATE: parallel tries queue here
        table.delete().where(table.locked_until.is_null(False) & (table.locked_until < now)
                             & (key_field != key)).execute()
        row = table.get_or_none(key_field == key)
        counted = rule.reserve(Attempts(row.failures, row.locked_until) if row is not None else None, now)
        if counted is None:
            return False
        if row is None:
            table.create(**{key_field.name: key}, failures=counted.failures, locked_until=counted.locked_until)
        else:
            table.update(failures=counted.failures, locked_until=counted.locked_until).where(
                table.id == row.id).execute()
    return True


def clear(table: type[Model], key_field: Field, key: str) -> None:
    """A success forgets the key's tries (and the lock its own try may have set)."""
    table.delete().where(key_field == key).execute()
