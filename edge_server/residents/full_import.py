"""A full import (`residents import --full`, or the console's "complete population" option): the file is the
whole population, so residents missing from it have moved away or died and are marked inactive.

Temporary NIKs (starting with 0) are staff-held records of people not yet in the population register. OpenSID
exports its own (`0` + village code + serial), which are imported like any row; one missing from the file is
left alone. Residents in the file who were inactive become active again (the register says they live here),
unless the file's status_dasar says they are not alive here (MATI, PINDAH, ...): those import inactive.
Everything happens in one transaction.
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
    not_alive: int = 0  # rows whose status_dasar is not HIDUP (stored inactive)

    def summary(self) -> str:
        return (f"{self.added} new, {self.updated} updated, {self.deactivated} deactivated, "
                f"{self.reactivated} reactivated" + (f", {self.not_alive} inactive by status_dasar"
                                                     if self.not_alive else ""))

    def audit_detail(self) -> str:
        return (f"created={self.added} updated={self.updated} deactivated={self.deactivated} "
                f"reactivated={self.reactivated} not_alive={self.not_alive}")


def make_plan(file_niks: set[str], known: list[tuple[int, str, bool]],
              not_alive: frozenset[str] = frozenset()) -> FullImportPlan:
    """Pure: which known residents (id, nik, active) a file holding `file_niks` deactivates or reactivates;
    a NIK in `not_alive` (in the file, status_dasar not HIDUP) is never reactivated."""
    deactivate, reactivate, temporary = [], [], 0
    for resident_id, nik, active in known:
        if nik.startswith("0"):
            temporary += 1
        elif nik in file_niks:
            if not active and nik not in not_alive:
                reactivate.append(resident_id)
        elif active:
            deactivate.append(resident_id)
    return FullImportPlan(tuple(deactivate), tuple(reactivate), temporary)


def plan_for(rows: list[dict]) -> FullImportPlan:
    """The plan for parsed import rows against the residents stored now."""
    known = list(Resident.select(Resident.id, Resident.nik, Resident.active).tuples())
    not_alive = frozenset(row["nik"] for row in rows if not row.get("active", True))
    return make_plan({row["nik"] for row in rows}, known, not_alive)


def _set_active(ids: tuple[int, ...], active: bool, now: datetime) -> None:
    for start in range(0, len(ids), CHUNK):
        Resident.update(active=active, updated_at=now).where(Resident.id.in_(ids[start:start + CHUNK])).execute()


def apply(rows: list[dict], now: datetime, *, full: bool,
          progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Upsert the rows and, for a full import, apply the plan, all or nothing."""
    with write_transaction():
        plan = plan_for(rows) if full else None
        created, updated = service.import_rows(rows, now, progress=progress)
        not_alive = sum(1 for row in rows if not row.get("active", True))
        if plan is None:
            return ImportReport(created, updated, not_alive=not_alive)
        _set_active(plan.deactivate, False, now)
        _set_active(plan.reactivate, True, now)
    return ImportReport(created, updated, len(plan.deactivate), len(plan.reactivate), not_alive)
