"""Dates and times as the console shows them: in words, in the village's zone ("Rabu, 2 Desember 2026",
"2 Desember 2026 14.20 WIB"). Month and day names go through gettext, so the English console reads English."""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _

from anjungan_core.calendar_words import DAYS, MONTHS, zone_label


def day_words(day: date | None, weekday: bool = True) -> str:
    """date(2026, 12, 2) -> 'Rabu, 2 Desember 2026' ('2 Desember 2026' without the weekday); '-' for None."""
    if day is None:
        return "-"
    if isinstance(day, datetime):
        day = day.date()
    text = _("%(day)s %(month)s %(year)s", day=day.day, month=_(MONTHS[day.month - 1]), year=day.year)
    return f"{_(DAYS[day.weekday()])}, {text}" if weekday else text


def local_words(naive_utc: datetime | None, clock=None) -> str:
    """A stored UTC instant as the village's local date and time: '2 Desember 2026 14.20 WIB'."""
    if naive_utc is None:
        return "-"
    local = (clock or current_app.extensions["clock"]).local(naive_utc)
    return f"{day_words(local.date(), weekday=False)} {local:%H.%M} {zone_label(local)}".strip()


def init_app(app) -> None:
    app.add_template_filter(day_words, "tanggal")
    app.add_template_filter(local_words, "waktu")
