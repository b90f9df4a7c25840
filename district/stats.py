"""Counting a village's events by business date: the summary API, the dashboard, the CSV export."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

from peewee import fn

from .models import DeviceState, Event, Village

COUNTED = ("ticket.issued", "ticket.finished", "ticket.no_show", "ticket.called", "letter.requested")


def iso(naive_utc: datetime | None) -> str | None:
    if naive_utc is None:
        return None
    return naive_utc.replace(tzinfo=timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _empty() -> dict:
    return {"tickets_issued": 0, "tickets_served": 0, "tickets_no_show": 0, "tickets_called": 0,
            "letters_requested": 0, "avg_wait_seconds": None}


def _fold(target: dict, event_type: str, count: int, avg_metric) -> None:
    key = {"ticket.issued": "tickets_issued", "ticket.finished": "tickets_served",
           "ticket.no_show": "tickets_no_show", "ticket.called": "tickets_called",
           "letter.requested": "letters_requested"}.get(event_type)
    if key:
        target[key] = int(count)
    if event_type == "ticket.called" and avg_metric is not None:
        target["avg_wait_seconds"] = round(float(avg_metric))


def day_counts(day: date, codes: list[str] | None = None) -> dict[str, dict]:
    """{village code: counts} for one business date, in one grouped query."""
    query = (Event.select(Event.village, Event.type, fn.COUNT(Event.id).alias("n"),
                          fn.AVG(Event.metric).alias("avg_metric"))
             .where((Event.business_date == day) & Event.type.in_(COUNTED))
             .group_by(Event.village, Event.type))
    if codes is not None:
        query = query.where(Event.village.in_(codes))
    out: dict[str, dict] = defaultdict(_empty)
    for row in query.namedtuples():
        _fold(out[row.village], row.type, row.n, row.avg_metric)
    return out


def village_summary(village: Village, day: date) -> dict:
    """CONTRACTS.md section 4 summary of one village and one business date."""
    counts = day_counts(day, [village.code]).get(village.code, _empty())
    return {"village": village.code, "date": day.isoformat(), "tickets_issued": counts["tickets_issued"],
            "tickets_served": counts["tickets_served"], "tickets_no_show": counts["tickets_no_show"],
            "letters_requested": counts["letters_requested"], "last_seq": village.acked_through,
            "last_seen": iso(village.last_seen)}


def village_days(code: str, end: date, days: int = 30) -> list[dict]:
    """Counts for each of the `days` business dates ending at `end` (oldest first, empty days included)."""
    start = end - timedelta(days=days - 1)
    query = (Event.select(Event.business_date, Event.type, fn.COUNT(Event.id).alias("n"),
                          fn.AVG(Event.metric).alias("avg_metric"))
             .where((Event.village == code) & (Event.business_date >= start) & (Event.business_date <= end)
                    & Event.type.in_(COUNTED))
             .group_by(Event.business_date, Event.type))
    by_day: dict[date, dict] = defaultdict(_empty)
    for row in query.namedtuples():
        day = row.business_date if isinstance(row.business_date, date) else date.fromisoformat(str(row.business_date))
        _fold(by_day[day], row.type, row.n, row.avg_metric)
    return [{"date": start + timedelta(days=i), **by_day[start + timedelta(days=i)]} for i in range(days)]


def device_alerts(codes: list[str] | None = None) -> dict[str, list[dict]]:
    """{village code: [{"device", "problem"}]} for kiosks offline, printers offline or out of paper, scanners gone."""
    query = DeviceState.select()
    if codes is not None:
        query = query.where(DeviceState.village.in_(codes))
    out: dict[str, list[dict]] = defaultdict(list)
    for state in query.order_by(DeviceState.device):
        for problem in device_problems(state):
            out[state.village_code].append({"device": state.device, "kind": state.kind, "problem": problem})
    return out


def device_problems(state: DeviceState) -> list[str]:
    """Problem codes for one device state: kiosk_offline, printer_offline, paper_out, paper_low, scanner_missing."""
    if not state.online:
        return [f"{state.kind}_offline"]
    problems = []
    if state.printer_online is False:
        problems.append("printer_offline")
    if state.paper == "out":
        problems.append("paper_out")
    elif state.paper == "low":
        problems.append("paper_low")
    if state.kind == "kiosk" and state.scanner_connected is False:
        problems.append("scanner_missing")
    return problems


def overview(day: date) -> list[dict]:
    """One row per village for the dashboard and its CSV."""
    villages = list(Village.select().order_by(Village.code))
    counts = day_counts(day)
    alerts = device_alerts()
    return [{"code": v.code, "name": v.name, "active": v.active, "last_seen": v.last_seen,
             "edge_version": v.edge_version,
             "last_seq": v.acked_through, **counts.get(v.code, _empty()), "alerts": alerts.get(v.code, [])}
            for v in villages]
