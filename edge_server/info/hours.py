"""Office hours as pure rules: weekly hours in the village's zone, holidays, is_open(at), next_opening(at).

No database, no Flask: values in, values out. A `Schedule` whose `weekly` is None is open every day all day
(the default for a service nobody configured, as the demo village needs); holidays close even such a service.
Times are minutes after local midnight, so "24:00" (1440) can end a day.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

DAY_MINUTES = 24 * 60
SEARCH_DAYS = 400  # a year of holidays plus a margin: past that, "no opening known"
_TIME = re.compile(r"^\s*(\d{1,2})[.:](\d{2})\s*$")


class HoursError(ValueError):
    """Text that is not a valid list of opening hours; the message says which part."""


@dataclass(frozen=True, order=True)
class Interval:
    """Open from `start` up to (not including) `end`, in minutes after local midnight."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= DAY_MINUTES:
            raise HoursError(f"{format_minutes(self.start)}-{format_minutes(self.end)}")

    def contains(self, minute: int) -> bool:
        return self.start <= minute < self.end


@dataclass(frozen=True)
class Schedule:
    """A service's hours: `weekly[weekday]` (0 = Monday) lists its intervals; None means always open."""

    weekly: dict[int, tuple[Interval, ...]] | None = None
    holidays: dict[date, str] = field(default_factory=dict)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Jakarta"))

    def intervals_on(self, day: date) -> tuple[Interval, ...]:
        """The hours of one local date, holidays applied."""
        if day in self.holidays:
            return ()
        if self.weekly is None:
            return (Interval(0, DAY_MINUTES),)
        return self.weekly.get(day.weekday(), ())


def parse_minutes(text: str) -> int:
    """'08:00' or '8.00' to minutes after midnight; '24:00' is the end of the day.

    :raises HoursError: not a time of day.
    """
    match = _TIME.match(text)
    if not match:
        raise HoursError(text.strip())
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        raise HoursError(text.strip())
    return hours * 60 + minutes


def format_minutes(minutes: int, sep: str = ":") -> str:
    return f"{minutes // 60:02d}{sep}{minutes % 60:02d}"


def parse_intervals(text: str) -> tuple[Interval, ...]:
    """'08:00-12:00, 13:00-15:00' to sorted intervals; empty text is a closed day.

    :raises HoursError: a part that is not `HH:MM-HH:MM`, ends before it starts, or overlaps another.
    """
    out = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;]", text or ""))):
        start, sep, end = part.partition("-")
        if not sep:
            raise HoursError(part)
        out.append(Interval(parse_minutes(start), parse_minutes(end)))
    out.sort()
    for before, after in zip(out, out[1:], strict=False):
        if after.start < before.end:
            raise HoursError(f"{format_intervals((before,))} / {format_intervals((after,))}")
    return tuple(out)


def format_intervals(intervals: tuple[Interval, ...]) -> str:
    return ", ".join(f"{format_minutes(i.start)}-{format_minutes(i.end)}" for i in intervals)


def weekly_from_json(data: dict) -> dict[int, tuple[Interval, ...]]:
    """The stored form {"0": [["08:00", "15:00"]], ...} to intervals per weekday."""
    weekly: dict[int, tuple[Interval, ...]] = {}
    for day, pairs in (data or {}).items():
        weekday = int(day)
        if 0 <= weekday <= 6:
            weekly[weekday] = parse_intervals(", ".join(f"{a}-{b}" for a, b in pairs))
    return weekly


def weekly_to_json(weekly: dict[int, tuple[Interval, ...]]) -> dict[str, list[list[str]]]:
    return {str(day): [[format_minutes(i.start), format_minutes(i.end)] for i in intervals]
            for day, intervals in sorted(weekly.items()) if intervals}


def local_time(at: datetime, zone: ZoneInfo) -> datetime:
    """An instant (aware, or naive UTC as stored) in the village's zone."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(zone)


def _minute_of(local: datetime) -> int:
    return local.hour * 60 + local.minute


def is_open(schedule: Schedule, at: datetime) -> bool:
    """Whether the service is open at instant `at`."""
    local = local_time(at, schedule.zone)
    minute = _minute_of(local)
    if any(i.contains(minute) for i in schedule.intervals_on(local.date())):
        return True
    # An interval ending at 24:00 followed by one starting at 00:00 is one opening; nothing else to check.
    return False


def _at(day: date, minute: int, zone: ZoneInfo) -> datetime:
    if minute >= DAY_MINUTES:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)


def next_opening(schedule: Schedule, at: datetime) -> datetime | None:
    """The first moment after `at` when a closed service opens, in the village zone; None when open now
    or when it does not open within SEARCH_DAYS."""
    if is_open(schedule, at):
        return None
    local = local_time(at, schedule.zone)
    minute = _minute_of(local)
    for offset in range(SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        for interval in schedule.intervals_on(day):
            if offset > 0 or interval.start > minute:
                return _at(day, interval.start, schedule.zone)
    return None


def next_closing(schedule: Schedule, at: datetime) -> datetime | None:
    """When an open service next closes (following back-to-back intervals across midnight); None when closed
    now or open for all of SEARCH_DAYS."""
    if not is_open(schedule, at):
        return None
    local = local_time(at, schedule.zone)
    day, minute = local.date(), _minute_of(local)
    for _ in range(SEARCH_DAYS):
        current = next((i for i in schedule.intervals_on(day) if i.contains(minute)), None)
        if current is None:
            return _at(day, minute, schedule.zone)
        if current.end < DAY_MINUTES:
            follow = next((i for i in schedule.intervals_on(day) if i.start == current.end), None)
            if follow is None:
                return _at(day, current.end, schedule.zone)
            minute = follow.start
            continue
        day, minute = day + timedelta(days=1), 0
    return None


def holiday_name(schedule: Schedule, at: datetime) -> str | None:
    """The holiday the local date of `at` is, if any."""
    return schedule.holidays.get(local_time(at, schedule.zone).date())
