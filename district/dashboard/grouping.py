"""The overview's shape for a regency of ~300 villages: grouped by kecamatan, filtered to problems (pure)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

COUNTS = ("tickets_issued", "tickets_served", "tickets_no_show", "letters_requested")


def kecamatan_of(code: str) -> str:
    """`33.17.09.2016` → `33.17.09` (province.regency.kecamatan)."""
    return code.rsplit(".", 1)[0]


def is_stale(row: dict, stale_before: datetime) -> bool:
    """An active village not heard from since `stale_before` (or never)."""
    return bool(row["active"]) and (row["last_seen"] is None or row["last_seen"] < stale_before)


def has_problem(row: dict, stale_before: datetime) -> bool:
    return bool(row["alerts"]) or is_stale(row, stale_before)


@dataclass
class Group:
    """One kecamatan's villages and their sums."""

    code: str
    rows: list[dict] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    stale: int = 0
    with_alerts: int = 0


def group_rows(rows: list[dict], stale_before: datetime, kecamatan: str = "",
               problems_only: bool = False) -> list[Group]:
    """Rows (already in code order) grouped by kecamatan, optionally only one kecamatan or only problems.

    Each group's sums cover the rows shown.
    """
    groups: dict[str, Group] = {}
    for row in rows:
        code = kecamatan_of(row["code"])
        if kecamatan and code != kecamatan:
            continue
        if problems_only and not has_problem(row, stale_before):
            continue
        group = groups.setdefault(code, Group(code))
        group.rows.append(row)
        for key in COUNTS:
            group.totals[key] += row[key]
        group.stale += is_stale(row, stale_before)
        group.with_alerts += bool(row["alerts"])
    return list(groups.values())


def regency_totals(rows: list[dict], stale_before: datetime) -> dict[str, int]:
    """Sums over every village, and how many are quiet or have device alerts."""
    totals = {key: sum(r[key] for r in rows) for key in COUNTS}
    totals.update(villages=len(rows), stale=sum(is_stale(r, stale_before) for r in rows),
                  with_alerts=sum(bool(r["alerts"]) for r in rows))
    return totals
