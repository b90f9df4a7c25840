"""The one lockout rule for every secret a person types: staff passwords (edge and district) and kiosk PINs.

Each try is counted *before* its secret is checked, so parallel guesses cannot all be checked before the first
failure is counted: of 20 simultaneous guesses with a limit of 5, five get a check and fifteen are refused
without one. The try that reaches the limit locks the key (a username, a NIK's digest) for ``lock_seconds``;
while locked nothing is checked, not even the right secret. A success clears the key. Failures older than the
lock period are forgotten where the store keeps when the last one was. Pure: the parts store `Attempts` in their
own table, inside one write transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Attempts:
    """What is stored per key."""

    failures: int
    locked_until: datetime | None = None
    last_at: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


@dataclass(frozen=True)
class LockoutRule:
    max_failures: int
    lock_seconds: int

    def reserve(self, stored: Attempts | None, now: datetime) -> Attempts | None:
        """Count one try before its secret is checked.

        :returns: None while the key is locked (check nothing, store nothing); otherwise the attempts to store,
            locked from now when this try is the last one allowed (it still gets its check).
        """
        if stored is not None and stored.locked(now):
            return None
        window = timedelta(seconds=self.lock_seconds)
        fresh = (stored is None or stored.locked_until is not None  # nothing yet, or a lock that has run out
                 or (stored.last_at is not None and now - stored.last_at >= window))  # failures long ago
        failures = 1 if fresh else stored.failures + 1
        locked_until = now + window if failures >= self.max_failures else None
        return Attempts(failures, locked_until, now)
