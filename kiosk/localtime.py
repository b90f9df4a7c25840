"""Village local time on the kiosk, whatever zone the kiosk machine is set to.

The edge server tells the village's zone (``GET /health`` → ``village.timezone``); provisioning writes it into the
kiosk config too, so the header and the receipts show village time with its name (WIB, WITA, WIT:
`anjungan_core.calendar_words.zone_label`) even before the edge answers.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Jakarta"


def zone_for(*names: str | None) -> tzinfo:
    """The first of ``names`` that is a known IANA zone (the edge's, then the config's), else WIB."""
    for name in names:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo(DEFAULT_ZONE)


def in_zone(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` (aware; naive means UTC) as the wall-clock time in ``zone``."""
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)
