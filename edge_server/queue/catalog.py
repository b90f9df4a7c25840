"""Services, their hours and holidays, how many counters serve each, and which device tokens are valid, as taking
a ticket needs them: read once per change, not on every ticket.

Any change to those tables bumps `catalog_version` (triggers, edge migrations 31 and 34: for devices, pairing,
revoking or a new token), so each process (each web server worker) reloads only when another process, the console
or a CLI changed them. The ticket route reads no version at all: it takes the view it has (`cached`), and its take's
own statement checks the version inside the write transaction (issuing._NEXT_NUMBER), so a view gone stale issues
nothing and the request goes to Flask, which reads the version (`current`) and reloads.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from ..db import database
from ..info import hours
from ..info.schedule import load_schedules
from ..models import CounterService, Service

_VERSION = "SELECT version FROM catalog_version WHERE id = 1"
_ACTIVE_DEVICES = "SELECT token_hash, id FROM device WHERE revoked_at IS NULL"


@dataclass(frozen=True)
class ServiceEntry:
    id: int
    code: str
    name: str
    is_open: bool
    daily_cap: int | None
    counters: int  # counters that serve it (the estimate divides by them)
    schedule: hours.Schedule


@dataclass(frozen=True)
class CatalogView:
    """What the database says now, for one request."""

    services: dict[str, ServiceEntry]  # by ticket prefix
    devices: dict[str, int]  # token digest -> id, devices not revoked
    version: int | None = None  # catalog_version when it was read


class Catalog:
    """One per app (and so per process)."""

    def __init__(self):
        self._lock = threading.Lock()
        # (key, the view read for it) in one attribute, so no reader ever pairs a key with another key's view
        self._loaded: tuple[tuple | None, CatalogView] = (None, CatalogView({}, {}))

    def current(self, zone: ZoneInfo, today: date) -> CatalogView:
        """The catalog as the database has it now: one read of the version, a reload when it moved."""
        key = (database.execute_sql(_VERSION).fetchone()[0], today, zone.key)
        loaded, view = self._loaded
        if key != loaded:
            with self._lock:
                loaded, view = self._loaded
                if key != loaded:
                    view = CatalogView(_load(zone, today), dict(database.execute_sql(_ACTIVE_DEVICES).fetchall()),
                                       key[0])
                    self._loaded = (key, view)
        return view

    def cached(self, zone: ZoneInfo, today: date) -> CatalogView | None:
        """The view last read for this day and zone, without reading the database (None before the first read):
        only for a take that checks the view's `version` in its own write (TicketOrder.catalog_version)."""
        key, view = self._loaded
        if key is None or key[1:] != (today, zone.key):
            return None
        return view


def _load(zone: ZoneInfo, today: date) -> dict[str, ServiceEntry]:
    schedules = load_schedules(zone, today)
    counters: dict[int, int] = {}
    for link in CounterService.select(CounterService.service):
        counters[link.service_id] = counters.get(link.service_id, 0) + 1
    return {s.code: ServiceEntry(id=s.id, code=s.code, name=s.name, is_open=s.is_open, daily_cap=s.daily_cap,
                                 counters=counters.get(s.id, 0), schedule=schedules[s.id])
            for s in Service.select()}
