"""Numbered schema migrations of the hub. Append new ones; never edit one that has shipped."""
from __future__ import annotations

from peewee import Database

from .db import migration


@migration(1, "villages, events, device states, announcements, staff, settings")
def _initial(db: Database) -> None:
    from .models import ALL_MODELS

    db.create_tables(ALL_MODELS, safe=True)


@migration(2, "edge backups, releases, each village's edge version")
def _backups_releases_versions(db: Database) -> None:
    from peewee import CharField, SqliteDatabase
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator
    from playhouse.migrate import migrate as run

    from .backups import VillageBackup
    from .models import Village
    from .releases import Release

    db.create_tables([VillageBackup, Release], safe=True)
    columns = {c.name for c in db.get_columns(Village._meta.table_name)}
    if "edge_version" not in columns:  # a fresh database got it from migration 1's create_tables
        migrator = SqliteMigrator(db) if isinstance(db, SqliteDatabase) else PostgresqlMigrator(db)
        run(migrator.add_column(Village._meta.table_name, "edge_version", CharField(max_length=40, default="")))


@migration(3, "dashboard login lockout per username")
def _login_throttle(db: Database) -> None:
    from .models import LoginThrottle

    db.create_tables([LoginThrottle], safe=True)


@migration(10, "revocable dashboard sessions kept on the server")
def _staff_sessions(db: Database) -> None:
    from .staff_sessions import StaffSession

    db.create_tables([StaffSession], safe=True)


@migration(20, "public pages: tickets and letters projected from the synced events")
def _public_pages(db: Database) -> None:
    from .public.models import PUBLIC_MODELS

    db.create_tables(PUBLIC_MODELS, safe=True)
