"""Office hours against the database: load each service's `Schedule`, say whether it is open and, if not,
when it opens next in a plain Indonesian sentence (the kiosk shows it as is)."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import get_locale
from flask_babel import gettext as _

from anjungan_core.calendar_words import DAYS, MONTHS, zone_label

from ..db import raw_first
from ..models import Holiday, Service, ServiceHours
from . import hours

WEEK_DAYS = 6  # up to this many days ahead a day name is enough ("Senin"); further, the date too
_HOLIDAYS_SINCE = f"SELECT * FROM {Holiday._meta.table_name} WHERE day >= ?"
_HOURS_OF_SERVICE = f"SELECT * FROM {ServiceHours._meta.table_name} WHERE service_id = ? LIMIT 1"


def day_name(weekday: int) -> str:
    """0 -> 'Senin' in the current language."""
    return _(DAYS[weekday])


def _holidays_by_service(since: date) -> tuple[dict[date, str], dict[int, dict[date, str]]]:
    common: dict[date, str] = {}
    per_service: dict[int, dict[date, str]] = {}
    for row in Holiday.raw(_HOLIDAYS_SINCE, since.isoformat()):  # raw: taking a ticket runs this
        if row.service_id is None:
            common[row.day] = row.name
        else:
            per_service.setdefault(row.service_id, {})[row.day] = row.name
    return common, per_service


def load_schedules(zone: ZoneInfo, today: date) -> dict[int, hours.Schedule]:
    """Every service's schedule by service id, in three queries (no per-service lookups)."""
    weekly = {row.service_id: hours.weekly_from_json(json.loads(row.weekly or "{}"))
              for row in ServiceHours.select()}
    common, per_service = _holidays_by_service(today)
    return {service_id: hours.Schedule(weekly=weekly.get(service_id),
                                       holidays={**common, **per_service.get(service_id, {})}, zone=zone)
            for (service_id,) in Service.select(Service.id).tuples()}


def load_schedule(service: Service, zone: ZoneInfo, today: date) -> hours.Schedule:
    row = raw_first(ServiceHours, _HOURS_OF_SERVICE, service.id)
    common, per_service = _holidays_by_service(today)
    weekly = hours.weekly_from_json(json.loads(row.weekly or "{}")) if row else None
    return hours.Schedule(weekly=weekly, holidays={**common, **per_service.get(service.id, {})}, zone=zone)


def _time_text(local: datetime) -> str:
    sep = ":" if str(get_locale() or "id") == "en" else "."
    return hours.format_minutes(local.hour * 60 + local.minute, sep)


def when_text(opening: datetime, now: datetime) -> str:
    """'hari ini pukul 13.00', 'Senin pukul 08.00' or 'Senin, 6 April pukul 08.00' (both in the village zone)."""
    days_ahead = (opening.date() - now.date()).days
    if days_ahead == 0:
        day = _("hari ini")
    elif days_ahead <= WEEK_DAYS:
        day = day_name(opening.weekday())
    else:
        day = _("%(weekday)s, %(day)d %(month)s", weekday=day_name(opening.weekday()), day=opening.day,
                month=_(MONTHS[opening.month - 1]))
    return _("%(day)s pukul %(time)s", day=day, time=f"{_time_text(opening)} {zone_label(opening)}")


def closed_message(name: str, schedule: hours.Schedule, at: datetime) -> str:
    """The sentence a resident reads for a closed service."""
    opening = hours.next_opening(schedule, at)
    holiday = hours.holiday_name(schedule, at)
    if holiday:
        head = _("Layanan %(name)s tutup (%(holiday)s).", name=name, holiday=holiday)
    else:
        head = _("Layanan %(name)s tutup.", name=name)
    if opening is None:
        return head
    return head + " " + _("Buka lagi %(when)s.", when=when_text(opening, hours.local_time(at, schedule.zone)))


def service_status(service: Service, schedule: hours.Schedule, now_utc: datetime) -> dict:
    """`open`, `opens_at` (ISO, null when open or unknown) and `closed_reason` (null when open) of a service;
    the staff's open/closed switch wins over the hours."""
    if not service.is_open:
        return {"open": False, "opens_at": None,
                "closed_reason": _("Layanan %(name)s sedang tutup.", name=service.name)}
    if hours.is_open(schedule, now_utc):
        return {"open": True, "opens_at": None, "closed_reason": None}
    opening = hours.next_opening(schedule, now_utc)
    opens_at = opening.isoformat(timespec="minutes") if opening else None  # local time with its offset
    return {"open": False, "opens_at": opens_at, "closed_reason": closed_message(service.name, schedule, now_utc)}


def statuses(clock) -> dict[int, dict]:
    """service_status for every service, by service id."""
    now = clock.utcnow()
    schedules = load_schedules(clock.zone, clock.business_date())
    return {s.id: service_status(s, schedules[s.id], now) for s in Service.select()}


def refusal(name: str, schedule: hours.Schedule, now: datetime) -> str | None:
    """The closed message of a service with this schedule at `now`, or None while it is open."""
    if hours.is_open(schedule, now):
        return None
    return closed_message(name, schedule, now)


def day_ranges(days: list[int]) -> str:
    """[0, 1, 2, 3, 4, 5] -> 'Senin-Sabtu'; [0, 2] -> 'Senin, Rabu'; all seven -> 'Setiap hari'."""
    days = sorted(set(days))
    if len(days) == 7:
        return _("Setiap hari")
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(day_name(r[0]) if len(r) == 1 else f"{day_name(r[0])}-{day_name(r[-1])}" for r in runs)


def hours_json(service: Service, schedule: hours.Schedule, status: dict) -> dict:
    """One service's hours for the kiosk's information screen (keys `service`, `name`, `days`, `open`,
    `close`, `open_now` as before, plus the full week and the live status)."""
    weekly = schedule.weekly
    if weekly is None:
        days, first, last = _("Setiap hari"), "00:00", "24:00"
    else:
        spans = [i for intervals in weekly.values() for i in intervals]
        days = day_ranges([d for d, intervals in weekly.items() if intervals]) or _("Tutup")
        first = hours.format_minutes(min(i.start for i in spans)) if spans else ""
        last = hours.format_minutes(max(i.end for i in spans)) if spans else ""
    week = []
    for day in range(7):
        intervals = (hours.Interval(0, hours.DAY_MINUTES),) if weekly is None else weekly.get(day, ())
        week.append({"day": day, "day_name": day_name(day),
                     "hours": [[hours.format_minutes(i.start), hours.format_minutes(i.end)] for i in intervals]})
    return {"service": service.code, "name": service.name, "days": days, "open": first, "close": last,
            "open_now": status["open"], "always_open": weekly is None, "opens_at": status["opens_at"],
            "closed_reason": status["closed_reason"], "weekly": week}


def upcoming_holidays(today: date, days: int = 60) -> list[dict]:
    """Holidays from today on, for the information screen."""
    rows = (Holiday.select().where((Holiday.day >= today) & (Holiday.day <= today + timedelta(days=days)))
            .order_by(Holiday.day))
    return [{"date": h.day.isoformat(), "name": h.name, "service": h.service.code if h.service_id else None}
            for h in rows]
