"""Services, their hours and holidays, and how many counters serve each, as taking a ticket needs them: read
once per change, not on every ticket.

Any change to those tables bumps `catalog_version` (triggers, edge migration 31), so each process (each web server
worker) reads one integer per ticket and reloads only when another process, the console or a CLI changed them.
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


@dataclass(frozen=True)
class ServiceEntry:
    id: int
    code: str
    name: str
    is_open: bool
    daily_cap: int | None
    counters: int  # counters that serve it (the estimate divides by them)
    schedule: hours.Schedule


class Catalog:
    """One per app (and so per process)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._services: dict[str, ServiceEntry] = {}

    def service(self, code: str, zone: ZoneInfo, today: date) -> ServiceEntry | None:
        """The service with this ticket prefix, as the database has it now."""
        key = (database.execute_sql(_VERSION).fetchone()[0], today, zone.key)
        if key != self._key:
            with self._lock:
                if key != self._key:
                    self._services = _load(zone, today)
                    self._key = key
        return self._services.get(code)


def _load(zone: ZoneInfo, today: date) -> dict[str, ServiceEntry]:
    schedules = load_schedules(zone, today)
    counters: dict[int, int] = {}
    for link in CounterService.select(CounterService.service):
        counters[link.service_id] = counters.get(link.service_id, 0) + 1
    return {s.code: ServiceEntry(id=s.id, code=s.code, name=s.name, is_open=s.is_open, daily_cap=s.daily_cap,
                                 counters=counters.get(s.id, 0), schedule=schedules[s.id])
            for s in Service.select()}
