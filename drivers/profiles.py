"""Printer profiles: paper width, columns, dots and what the printer can do natively.

Named profiles come from python-escpos's printer database (``capabilities.json``). We read that file directly
instead of importing ``escpos.capabilities``, which on import writes a pickle into a fresh temporary directory
and calls ``logging.basicConfig()`` on the host program's root logger.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

__all__ = ["PrinterProfile", "UnknownProfile", "get_profile", "profile_names"]

# Code pages we may use for Indonesian text, best first. Indonesian needs only ASCII, but names and
# borrowed words carry accents (é, ü) and receipts may show "Rp" amounts and the euro sign.
_PREFERRED_CODE_PAGES = ("CP858", "CP850", "CP1252", "CP437")


class UnknownProfile(ValueError):
    """A profile name that neither we nor python-escpos know."""


@dataclass(frozen=True)
class PrinterProfile:
    """What the layout and the ESC/POS renderer need to know about a printer."""

    name: str
    width_mm: int  # nominal roll width: 58 or 80
    dots: int  # printable dots per line
    columns: int  # characters per line in font A at normal size
    native_qr: bool  # understands GS ( k (QR model 2)
    cutter: bool  # has an auto cutter (GS V)
    barcode: bool  # understands GS k CODE128
    code_page: str = "CP437"  # python-escpos encoding name
    code_page_number: int = 0  # n in ESC t n

    @property
    def codec(self) -> str:
        return self.code_page.lower().replace("_", "-")


GENERIC_PROFILES: dict[str, PrinterProfile] = {
    # POS-5890-class: 384 dots, 32 columns, no cutter; QR as a raster image is the safe choice.
    "58mm": PrinterProfile(
        "58mm",
        58,
        384,
        32,
        native_qr=False,
        cutter=False,
        barcode=True,
        code_page="CP437",
        code_page_number=0,
    ),
    # TM-T20-class: 576 dots, 48 columns, native QR, cutter, CP858 at ESC t 19.
    "80mm": PrinterProfile(
        "80mm", 80, 576, 48, native_qr=True, cutter=True, barcode=True, code_page="CP858", code_page_number=19
    ),
}


@functools.cache
def _capabilities() -> dict[str, Any]:
    spec = importlib.util.find_spec("escpos")
    if spec is None or not spec.submodule_search_locations:
        return {"profiles": {}}
    path = Path(next(iter(spec.submodule_search_locations))) / "capabilities.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"profiles": {}}


def profile_names() -> list[str]:
    """Every profile name accepted by :func:`get_profile`."""
    return sorted(GENERIC_PROFILES) + sorted(_capabilities().get("profiles", {}))


def _as_int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and value > 0 else default


def _from_escpos(name: str, data: dict[str, Any]) -> PrinterProfile:
    media = data.get("media", {}).get("width", {})
    mm = media.get("mm")
    width_mm = 58 if isinstance(mm, (int, float)) and mm <= 60 else 80
    dots = _as_int(media.get("pixels"), 384 if width_mm == 58 else 576)
    columns = _as_int(data.get("fonts", {}).get("0", {}).get("columns"), dots // 12)
    columns = min(columns, dots // 12)
    features = data.get("features", {})
    code_pages: dict[str, int] = {}
    for key, encoding in sorted(data.get("codePages", {}).items(), key=lambda kv: int(kv[0])):
        code_pages.setdefault(encoding, int(key))  # the lowest ESC t number is the most widely supported
    code_page, number = "CP437", 0
    for candidate in _PREFERRED_CODE_PAGES:
        if candidate in code_pages:
            code_page, number = candidate, code_pages[candidate]
            break
    return PrinterProfile(
        name=name,
        width_mm=width_mm,
        dots=dots,
        columns=columns,
        native_qr=bool(features.get("qrCode")),
        cutter=bool(features.get("paperFullCut") or features.get("paperPartCut")),
        barcode=bool(features.get("barcodeB") or features.get("barcodeA")),
        code_page=code_page,
        code_page_number=number,
    )


def get_profile(name: str | None = None, *, width: int | None = None) -> PrinterProfile:
    """A profile by name (``58mm``, ``80mm`` or a python-escpos name such as ``TM-T20II``, ``POS-5890``).

    Without a name, ``width`` (58 or 80) picks the generic profile; with neither, ``58mm``.
    :raises UnknownProfile: for a name nobody knows.
    """
    if not name:
        if width not in (None, 58, 80):
            raise UnknownProfile(f"width must be 58 or 80, not {width}")
        return GENERIC_PROFILES[f"{width or 58}mm"]
    if name in GENERIC_PROFILES:
        return GENERIC_PROFILES[name]
    profiles = _capabilities().get("profiles", {})
    if name not in profiles:
        lowered = {key.lower(): key for key in profiles}
        if name.lower() not in lowered:
            raise UnknownProfile(f"unknown printer profile {name!r}; known: {', '.join(profile_names())}")
        name = lowered[name.lower()]
    profile = _from_escpos(name, profiles[name])
    if width in (58, 80) and width != profile.width_mm:
        profile = replace(profile, width_mm=width)
    return profile
