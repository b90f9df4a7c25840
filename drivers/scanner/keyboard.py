"""``keyboard``: text typed into the kiosk window, for keyboard-wedge scanners and the demo."""

from __future__ import annotations

import queue
from collections.abc import Callable

from drivers.scanner.base import Scanner

MAX_SCAN = 4096


class KeyboardScanner(Scanner):
    """The kiosk window passes what is typed to :meth:`feed_text`; each line ended by ``\\n`` or ``\\r`` is a
    scan, delivered to ``on_scan`` from this scanner's thread (so the UI thread never runs the callback)."""

    def __init__(self, on_scan: Callable[[str], None]) -> None:
        super().__init__(on_scan)
        self._buffer = ""
        self._scans: queue.SimpleQueue[str | None] = queue.SimpleQueue()

    def feed_text(self, text: str) -> None:
        """Add typed text; never blocks."""
        for char in text:
            if char in "\r\n":
                if self._buffer:
                    self._scans.put(self._buffer)
                self._buffer = ""
            elif len(self._buffer) < MAX_SCAN:
                self._buffer += char

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._scans.put(None)  # wake the worker
        super().stop(timeout)

    def _run(self) -> None:
        self._connected = True
        while not self._stop.is_set():
            scan = self._scans.get()
            if scan is None:
                continue
            self._emit(scan)
