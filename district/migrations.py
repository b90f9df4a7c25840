"""Numbered schema migrations of the hub. Append new ones; never edit one that has shipped."""
from __future__ import annotations

from peewee import Database

from .db import migration


@migration(1, "villages, events, device states, announcements, staff, settings")
def _initial(db: Database) -> None:
    from .models import ALL_MODELS

    db.create_tables(ALL_MODELS, safe=True)


@migration(3, "dashboard login lockout per username")
def _login_throttle(db: Database) -> None:
    from .models import LoginThrottle

    db.create_tables([LoginThrottle], safe=True)
