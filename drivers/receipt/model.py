"""A receipt as data: what to print, independent of the paper width."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Text:
    """A paragraph; wrapped to the paper width when rendered. ``width``/``height`` multiply the font (1-8)."""

    text: str
    width: int = 1
    height: int = 1
    bold: bool = False
    align: Align = "left"


@dataclass(frozen=True)
class BigNumber:
    """A number (``A-012``) printed as large as the paper allows."""

    text: str


@dataclass(frozen=True)
class KeyValue:
    """A label on the left and a value on the right of one line (wrapped when too long)."""

    key: str
    value: str
    bold: bool = False


@dataclass(frozen=True)
class QrCode:
    """A QR code of ``payload``: native where the printer supports it, a raster image otherwise."""

    payload: str


@dataclass(frozen=True)
class Barcode:
    """A CODE128 barcode (ASCII only)."""

    data: str


@dataclass(frozen=True)
class Separator:
    """A full-width rule."""

    char: str = "-"


@dataclass(frozen=True)
class Feed:
    """Blank lines."""

    lines: int = 1


@dataclass(frozen=True)
class ProfileInfo:
    """The printer's own facts (profile, width, columns, code page); used by the test page."""


Element = Text | BigNumber | KeyValue | QrCode | Barcode | Separator | Feed | ProfileInfo


@dataclass
class Receipt:
    """A receipt: a title (for logs and file names) and its elements in print order."""

    title: str
    elements: list[Element] = field(default_factory=list)

    def add(self, *elements: Element) -> Receipt:
        self.elements.extend(elements)
        return self

    def text(self, text: str, **style: object) -> Receipt:
        return self.add(Text(text, **style))  # type: ignore[arg-type]

    @property
    def qr_payloads(self) -> list[str]:
        return [e.payload for e in self.elements if isinstance(e, QrCode)]
