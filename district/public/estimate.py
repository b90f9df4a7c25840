"""Where a ticket stands, worked out on the hub from synced events; how fresh that is (pure). The wait itself is
the shared rule, anjungan_core.wait_estimate."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Waiting:
    """What the queue order needs of a waiting ticket: the edge's order (priority, then issue time); events carry
    whole seconds, so tickets of the same second go by the seq of their `ticket.issued` (the edge's commit order)."""

    ticket_id: str
    priority: bool
    issued_at: datetime
    issued_seq: int


def order_key(ticket: Waiting) -> tuple:
    return (not ticket.priority, ticket.issued_at, ticket.issued_seq)


def position(ticket: Waiting, waiting: Iterable[Waiting]) -> int:
    """How many waiting tickets of the same service come first (0 = next)."""
    key = order_key(ticket)
    return sum(1 for other in waiting if other.ticket_id != ticket.ticket_id and order_key(other) < key)


@dataclass(frozen=True)
class Freshness:
    seconds: int | None  # since the village last reached the hub; None: never
    stale: bool


def freshness(last_seen: datetime | None, now: datetime, stale_after: int) -> Freshness:
    """How long ago the village's numbers arrived, and whether that is too long to trust them as they are."""
    if last_seen is None:
        return Freshness(None, True)
    seconds = max(0, int((now - last_seen).total_seconds()))
    return Freshness(seconds, seconds > stale_after)
