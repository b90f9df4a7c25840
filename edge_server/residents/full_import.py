"""A full import (`residents import --full`, or the console's "complete population" option): the file is the
whole population, so residents missing from it have moved away or died and are marked inactive.

Temporary NIKs (starting with 0) are staff's own records of people not yet in the population register; they
are never in an OpenSID export, so a full import leaves them alone. Residents in the file who were inactive
become active again (the register says they live here). Everything happens in one transaction.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..db import write_transaction
from ..models import Resident
from . import service

CHUNK = 500  # ids per UPDATE ... WHERE id IN (...), below SQLite's variable limit


@dataclass(frozen=True)
class FullImportPlan:
    deactivate: tuple[int, ...]  # resident ids: active, not temporary, missing from the file
    reactivate: tuple[int, ...]  # resident ids: inactive, present in the file
    kept_temporary: int  # temporary NIKs left as they are


@dataclass(frozen=True)
class ImportReport:
    added: int
    updated: int
    deactivated: int = 0
    reactivated: int = 0

    def summary(self) -> str:
        return (f"{self.added} new, {self.updated} updated, {self.deactivated} deactivated, "
                f"{self.reactivated} reactivated")

    def audit_detail(self) -> str:
        return (f"created={self.added} updated={self.updated} deactivated={self.deactivated} "
                f"reactivated={self.reactivated}")


def make_plan(file_niks: set[str], known: list[tuple[int, str, bool]]) -> FullImportPlan:
    """Pure: which known residents (id, nik, active) a file holding `file_niks` deactivates or reactivates."""
    deactivate, reactivate, temporary = [], [], 0
    for resident_id, nik, active in known:
        if nik.startswith("0"):
            temporary += 1
        elif nik in file_niks:
            if not active:
                reactivate.append(resident_id)
        elif active:
            deactivate.append(resident_id)
    return FullImportPlan(tuple(deactivate), tuple(reactivate), temporary)


def plan_for(rows: list[dict]) -> FullImportPlan:
    """The plan for parsed import rows against the residents stored now."""
    known = list(Resident.select(Resident.id, Resident.nik, Resident.active).tuples())
    return make_plan({row["nik"] for row in rows}, known)


def _set_active(ids: tuple[int, ...], active: bool, now: datetime) -> None:
    for start in range(0, len(ids), CHUNK):
        Resident.update(active=active, updated_at=now).where(Resident.id.in_(ids[start:start + CHUNK])).execute()


def apply(rows: list[dict], now: datetime, *, full: bool,
          progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Upsert the rows and, for a full import, apply the plan, all or nothing."""
    with write_transaction():
        plan = plan_for(rows) if full else None
        created, updated = service.import_rows(rows, now, progress=progress)
        if plan is None:
            return ImportReport(created, updated)
        _set_active(plan.deactivate, False, now)
        _set_active(plan.reactivate, True, now)
    return ImportReport(created, updated, len(plan.deactivate), len(plan.reactivate))
