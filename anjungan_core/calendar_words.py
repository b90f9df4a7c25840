"""Indonesian calendar words: day and month names, Roman months for letter numbers, WIB/WITA/WIT.

The names are also gettext msgids: a part that shows them translated passes them through its own gettext
(`N_` marks them for extraction and returns them unchanged).
"""
from __future__ import annotations

from datetime import date, datetime


def N_(text: str) -> str:
    """Mark ``text`` for translation without translating it (gettext's convention)."""
    return text


DAYS = (N_("Senin"), N_("Selasa"), N_("Rabu"), N_("Kamis"), N_("Jumat"), N_("Sabtu"), N_("Minggu"))
MONTHS = (N_("Januari"), N_("Februari"), N_("Maret"), N_("April"), N_("Mei"), N_("Juni"), N_("Juli"),
          N_("Agustus"), N_("September"), N_("Oktober"), N_("November"), N_("Desember"))
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
ZONE_NAMES = {7: "WIB", 8: "WITA", 9: "WIT"}


def day_name(day: date) -> str:
    """date(2026, 11, 30) -> 'Senin'."""
    return DAYS[day.weekday()]


def month_name(month: int) -> str:
    """11 -> 'November'."""
    return MONTHS[month - 1]


def roman_month(month: int) -> str:
    """11 -> 'XI' (letter numbers). :raises ValueError: for a month outside 1-12."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1-12")
    return ROMAN_MONTHS[month - 1]


def indonesian_date(day: date) -> str:
    """date(2026, 11, 5) -> '5 November 2026'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def zone_label(moment: datetime) -> str:
    """WIB/WITA/WIT for Indonesia's zones, ``UTC+H`` otherwise, empty for a naive time."""
    offset = moment.utcoffset()
    if offset is None:
        return ""
    hours = offset.total_seconds() / 3600
    if hours in ZONE_NAMES:
        return ZONE_NAMES[int(hours)]
    return f"UTC{hours:+g}"
