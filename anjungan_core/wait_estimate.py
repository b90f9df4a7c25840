"""The wait a resident is told, one rule for the edge (kiosk, receipt, phone page on the LAN) and the hub (the phone
page outside the hall): the mean of the most recent service times, ignoring the absurd, times the tickets ahead,
shared among the counters that serve, rounded up."""
from __future__ import annotations

import math
from collections.abc import Sequence

RECENT_DONE = 20  # the mean is over this many most recent service times
USABLE_SERVICE_SECONDS = (10, 4 * 3600)  # shorter or longer is a slip of the finger, not a service time


def average_minutes(service_seconds: Sequence[float], default_minutes: float) -> float:
    """Mean of the given recent service times (the absurd ignored); the default before there is history.
    (The edge computes the same in SQLite over its ticket table: edge_server/queue/issuing.py.)"""
    low, high = USABLE_SERVICE_SECONDS
    usable = [s for s in service_seconds if low <= s <= high]
    return sum(usable) / len(usable) / 60.0 if usable else default_minutes


def wait_minutes(ahead: int, avg_minutes: float, counters: int) -> int:
    """Minutes until a ticket with `ahead` before it is called, `counters` serving in parallel (none assigned
    still gives an honest figure); rounded up, never promising too soon."""
    if ahead <= 0:
        return 0
    return int(math.ceil(ahead * avg_minutes / max(1, counters)))
