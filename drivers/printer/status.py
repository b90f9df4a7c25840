"""Real-time status (DLE EOT) and what the answers mean.

python-escpos 3.1 reports the paper as adequate when the printer says nothing; here an empty or malformed
reply is ``unknown``, never ``ok``.
"""

from __future__ import annotations

from dataclasses import dataclass

DLE_EOT_PRINTER = b"\x10\x04\x01"  # n=1: printer status (bit 3: offline)
DLE_EOT_PAPER = b"\x10\x04\x04"  # n=4: roll paper sensor (bits 2-3: near end, bits 5-6: out)
STATUS_QUERY = DLE_EOT_PRINTER + DLE_EOT_PAPER

PAPER_OK, PAPER_LOW, PAPER_OUT, PAPER_UNKNOWN = "ok", "low", "out", "unknown"


@dataclass(frozen=True)
class PrinterStatus:
    """``online``: the printer can print now; ``paper``: ``ok``, ``low``, ``out`` or ``unknown``."""

    online: bool
    paper: str = PAPER_UNKNOWN

    def to_json(self) -> dict[str, object]:
        return {"online": self.online, "paper": self.paper}


def is_status_byte(value: int) -> bool:
    """Every DLE EOT reply byte has bits 1 and 4 set and bits 0 and 7 clear."""
    return value & 0x93 == 0x12


def parse_status_reply(reply: bytes, *, reachable: bool = True) -> PrinterStatus:
    """Read the replies to :data:`STATUS_QUERY` (printer status byte, then paper byte).

    :param reply: the bytes the printer sent back (possibly none).
    :param reachable: whether the query was delivered; a printer that takes data but never answers
        (many cheap ones) is online with paper ``unknown``.
    """
    if not reachable:
        return PrinterStatus(online=False, paper=PAPER_UNKNOWN)
    if not reply or not is_status_byte(reply[0]):
        return PrinterStatus(online=True, paper=PAPER_UNKNOWN)
    online = not reply[0] & 0x08
    if len(reply) < 2 or not is_status_byte(reply[1]):
        return PrinterStatus(online=online, paper=PAPER_UNKNOWN)
    paper_byte = reply[1]
    if paper_byte & 0x60:
        paper = PAPER_OUT
    elif paper_byte & 0x0C:
        paper = PAPER_LOW
    else:
        paper = PAPER_OK
    return PrinterStatus(online=online, paper=paper)


def reply_bytes(*, online: bool = True, paper: str = PAPER_OK) -> tuple[int, int]:
    """What a printer in this state answers to DLE EOT 1 and DLE EOT 4 (used by the virtual printer)."""
    printer = 0x12 | (0x00 if online else 0x08)
    paper_bits = {PAPER_OK: 0x00, PAPER_LOW: 0x0C, PAPER_OUT: 0x6C}.get(paper, 0x00)
    return printer, 0x12 | paper_bits
