"""Wall-clock access in one place: every part asks a `Clock`, so tests can travel in time and every time a person
sees is the village's (or the regency's) local time with its zone name, whatever zone the machine runs in."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo

from .calendar_words import zone_label


class Clock:
    """Now in UTC, plus an offset that tests (and a corrected clock) can move; local time in ``zone``."""

    def __init__(self, zone: tzinfo, offset: timedelta = timedelta(0)):
        self.zone = zone
        self.offset = offset

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        return datetime.now(timezone.utc) + self.offset

    def utcnow(self) -> datetime:
        """The current instant as naive UTC, the form stored in the database."""
        return self.now().replace(tzinfo=None)

    def unix(self) -> float:
        """The current instant in Unix seconds (signatures, sessions)."""
        return self.now().timestamp()

    def local(self, instant: datetime | None = None) -> datetime:
        """``instant`` (aware, or naive UTC; default now) as wall-clock time in the zone."""
        instant = instant or self.now()
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=timezone.utc)
        return instant.astimezone(self.zone)

    def shown(self, instant: datetime | None, fmt: str = "%d-%m-%Y %H:%M") -> str:
        """What a person reads: the local wall-clock time with its zone name, ``02-12-2026 21:20 WIB``."""
        if instant is None:
            return ""
        moment = self.local(instant)
        return f"{moment.strftime(fmt)} {zone_label(moment)}"

    def business_date(self, instant: datetime | None = None) -> date:
        """The local calendar day: queues restart at local midnight, not UTC midnight."""
        return self.local(instant).date()

    def travel(self, delta: timedelta) -> None:
        self.offset += delta


def to_iso(naive_utc: datetime | None) -> str | None:
    """A stored naive-UTC datetime as ISO 8601 with an explicit offset (``...Z``)."""
    if naive_utc is None:
        return None
    return naive_utc.replace(tzinfo=timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
