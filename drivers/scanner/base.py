"""What every scanner is: something that calls ``on_scan(text)`` from its own thread."""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Self

log = logging.getLogger(__name__)

RECONNECT_SECONDS = 1.0


class ScannerSpecError(ValueError):
    """A scanner spec that cannot be understood."""


class Scanner(ABC):
    """A scanner delivers each scan to ``on_scan`` from a background thread; no method blocks its caller
    for longer than it takes to stop that thread. Pass ``queue.put`` as ``on_scan`` to get a queue."""

    def __init__(self, on_scan: Callable[[str], None]) -> None:
        self.on_scan = on_scan
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connected = False

    @property
    def connected(self) -> bool:
        """Whether the device is there and being read now."""
        return self._connected

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start reading in a background thread (again after ``stop()`` too). Returns at once."""
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run_safely, name=f"scanner-{type(self).__name__}", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop reading and release the device."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._connected = False

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _emit(self, text: str) -> None:
        if not text:
            return
        try:
            self.on_scan(text)
        except Exception:  # a faulty callback must not kill the reader; it is reported, not hidden
            log.exception("scanner callback failed")

    def _run_safely(self) -> None:
        try:
            self._run()
        finally:
            self._connected = False

    @abstractmethod
    def _run(self) -> None:
        """Read until ``self._stop`` is set, reconnecting as needed."""
