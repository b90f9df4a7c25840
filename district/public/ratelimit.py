"""Requests per client address per minute for the public pages (in this process's memory).

Each gunicorn worker counts on its own, so the hub as a whole allows up to `workers` times the limit: enough to
stop a script trying tokens, never in the way of a phone refreshing its ticket page.
"""
from __future__ import annotations

import threading
import time


class PerMinute:
    def __init__(self, limit: int, clock=time.monotonic):
        self.limit, self.clock = limit, clock
        self._lock = threading.Lock()
        self._window = 0
        self._counts: dict[str, int] = {}

    def allow(self, key: str) -> bool:
        """Count one request for `key`; False when it is over the limit in the current minute."""
        window = int(self.clock() // 60)
        with self._lock:
            if window != self._window:
                self._window, self._counts = window, {}
            count = self._counts.get(key, 0) + 1
            self._counts[key] = count
        return count <= self.limit
