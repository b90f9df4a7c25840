"""The queue's rules as pure functions: numbering, ordering, transitions, estimates. No database, no clock."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

WAITING, CALLED, SERVING, DONE, NO_SHOW, CANCELLED = "waiting", "called", "serving", "done", "no_show", "cancelled"
STATUSES = (WAITING, CALLED, SERVING, DONE, NO_SHOW, CANCELLED)
OPEN_STATUSES = (WAITING, CALLED, SERVING)

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "call": ((WAITING,), CALLED),
    "recall": ((CALLED,), CALLED),
    "start": ((CALLED,), SERVING),
    "finish": ((SERVING, CALLED), DONE),
    "no-show": ((CALLED,), NO_SHOW),
    "cancel": ((WAITING, CALLED), CANCELLED),
    "transfer": ((WAITING, CALLED, SERVING), WAITING),
}


class TransitionError(ValueError):
    """The action is not allowed from the ticket's current state."""

    def __init__(self, action: str, status: str):
        super().__init__(f"cannot {action} a ticket that is {status}")
        self.action = action
        self.status = status


def next_status(status: str, action: str) -> str:
    """The state a ticket moves to on `action`, or TransitionError."""
    if action not in TRANSITIONS:
        raise TransitionError(action, status)
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise TransitionError(action, status)
    return target


def format_number(prefix: str, number: int) -> str:
    """`A`, 12 -> `A-012` (wider past 999 rather than wrapping)."""
    return f"{prefix}-{number:03d}"


@dataclass(frozen=True)
class QueueEntry:
    """What ordering needs to know about a waiting ticket."""

    id: str
    priority: bool
    issued_at: datetime
    number: int


def order_key(entry: QueueEntry) -> tuple:
    """Priority tickets first, then by issue time (a transfer keeps its place), then by number."""
    return (not entry.priority, entry.issued_at, entry.number)


def pick_next(waiting: Iterable[QueueEntry]) -> QueueEntry | None:
    """The ticket a counter should call next among those waiting for the services it serves."""
    return min(waiting, key=order_key, default=None)


def position(entry: QueueEntry, waiting: Iterable[QueueEntry]) -> int:
    """How many of `waiting` come before `entry` (0 = next)."""
    key = order_key(entry)
    return sum(1 for other in waiting if other.id != entry.id and order_key(other) < key)


def cap_reached(issued_today: int, daily_cap: int | None) -> bool:
    return daily_cap is not None and issued_today >= daily_cap
