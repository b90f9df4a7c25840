"""The edge's clock: the shared `Clock` (one place that reads the time, in the village zone) plus whether the time
can be trusted, since a Raspberry Pi has no battery clock and a number carries its date."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from anjungan_core.clock import Clock as CoreClock
from anjungan_core.clock import to_iso

__all__ = ["Clock", "ClockUntrusted", "to_iso"]


class ClockUntrusted(Exception):
    """The clock cannot be trusted, so nothing that carries a date or a number may be made."""


class Clock(CoreClock):
    """Now in UTC, plus an offset that tests (and a corrected clock) can move, and whether it is trusted.

    `verdict` is set by `timekeeping.Timekeeper` in `serve`; a Clock made directly (tests, CLI) is trusted.
    """

    def __init__(self, zone: ZoneInfo, offset: timedelta = timedelta(0)):
        super().__init__(zone, offset)
        from .timekeeping import ClockVerdict

        self.verdict = ClockVerdict(True, "host", "")

    def require_trusted(self) -> None:
        """:raises ClockUntrusted: with the reason in words, when no source vouches for the time."""
        if not self.verdict.trusted:
            raise ClockUntrusted(self.verdict.reason)
