"""What a visit produces and what the kiosk knows about its devices: plain values, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass
class Resident:
    """The identified resident of the current visit; forgotten when the visit ends."""

    session: str
    level: str
    name_masked: str
    nik_masked: str
    nik: str | None = None  # kept in memory only, so a scanned NIK can be completed with a PIN

    @property
    def full(self) -> bool:
        return self.level == "full"


@dataclass
class TicketResult:
    ticket: dict[str, Any]
    printed: bool
    print_fault: str | None = None


@dataclass
class LetterResult:
    letter: dict[str, Any]
    ticket: dict[str, Any] | None
    printed: bool
    print_fault: str | None = None


@dataclass
class DeviceState:
    printer: dict[str, Any] = field(default_factory=lambda: {"online": False, "paper": "unknown"})
    scanner_connected: bool = False
    edge_online: bool = True
    village: dict[str, Any] = field(default_factory=dict)

    @property
    def receipts_available(self) -> bool:
        return bool(self.printer.get("online")) and self.printer.get("paper") != "out"


def parse_time(value: str | None) -> datetime:
    """An ISO 8601 instant from the edge server as an aware datetime (now, if missing)."""
    if not value:
        return datetime.now(UTC)
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
