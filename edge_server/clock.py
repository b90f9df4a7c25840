"""Wall-clock access in one place, so tests can travel in time and the business day follows the village zone."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from anjungan_core.calendar_words import zone_label


class ClockUntrusted(Exception):
    """The clock cannot be trusted, so nothing that carries a date or a number may be made."""


class Clock:
    """Now in UTC, plus an offset that tests (and a corrected clock) can move, and whether it is trusted.

    `verdict` is set by `timekeeping.Timekeeper` in `serve`; a Clock made directly (tests, CLI) is trusted.
    """

    def __init__(self, zone: ZoneInfo, offset: timedelta = timedelta(0)):
        self.zone = zone
        self.offset = offset
        from .timekeeping import ClockVerdict

        self.verdict = ClockVerdict(True, "host", "")

    def require_trusted(self) -> None:
        """:raises ClockUntrusted: with the reason in words, when no source vouches for the time."""
        if not self.verdict.trusted:
            raise ClockUntrusted(self.verdict.reason)

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        return datetime.now(timezone.utc) + self.offset

    def utcnow(self) -> datetime:
        """The current instant as naive UTC, the form stored in the database."""
        return self.now().replace(tzinfo=None)

    def local(self, instant: datetime | None = None) -> datetime:
        instant = instant or self.now()
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=timezone.utc)
        return instant.astimezone(self.zone)

    def shown(self, instant: datetime | None, fmt: str = "%d-%m-%Y %H:%M") -> str:
        """What a person reads: the village's wall-clock time with its zone name, ``02-12-2026 21:20 WIB``."""
        if instant is None:
            return ""
        moment = self.local(instant)
        return f"{moment.strftime(fmt)} {zone_label(moment)}"

    def business_date(self, instant: datetime | None = None) -> date:
        """The village's local calendar day: queues restart at local midnight, not UTC midnight."""
        return self.local(instant).date()

    def travel(self, delta: timedelta) -> None:
        self.offset += delta


def to_iso(naive_utc: datetime | None) -> str | None:
    """Stored naive-UTC datetime to ISO 8601 with an explicit offset."""
    if naive_utc is None:
        return None
    return naive_utc.replace(tzinfo=timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
