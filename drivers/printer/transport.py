"""What every printer transport provides. One transport per file, as python-escpos does it."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod


class Transport(ABC):
    """A byte pipe to a printer. Every call is bounded by a timeout; failures raise :class:`PrinterError`."""

    #: keep the connection between jobs (False for network printers, which often take one client at a time)
    persistent: bool = True

    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout

    @property
    @abstractmethod
    def description(self) -> str:
        """Where the printer is, for messages (no secrets)."""

    @property
    @abstractmethod
    def is_open(self) -> bool: ...

    @abstractmethod
    def open(self) -> None: ...

    @abstractmethod
    def write(self, data: bytes) -> None: ...

    @abstractmethod
    def read(self, size: int, timeout: float) -> bytes:
        """Up to ``size`` bytes that arrive within ``timeout`` seconds; ``b""`` when nothing comes."""

    @abstractmethod
    def close(self) -> None: ...

    def discard_input(self) -> None:  # noqa: B027  (an optional hook: transports without input need nothing)
        """Throw away stale bytes (old status replies) before asking again."""

    def end_job(self) -> None:  # noqa: B027  (an optional hook: most transports need nothing)
        """Called after each complete job (a receipt, a status query)."""

    def read_exactly(self, size: int, timeout: float) -> bytes:
        """Read until ``size`` bytes or the deadline."""
        deadline = time.monotonic() + timeout
        out = b""
        while len(out) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            out += self.read(size - len(out), remaining)
        return out
