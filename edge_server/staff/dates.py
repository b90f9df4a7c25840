"""Dates and times as the console shows them: in words, in the village's zone ("Rabu, 2 Desember 2026",
"2 Desember 2026 14.20 WIB"). Month and day names go through gettext, so the English console reads English."""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext

MONTHS = (lazy_gettext("Januari"), lazy_gettext("Februari"), lazy_gettext("Maret"), lazy_gettext("April"),
          lazy_gettext("Mei"), lazy_gettext("Juni"), lazy_gettext("Juli"), lazy_gettext("Agustus"),
          lazy_gettext("September"), lazy_gettext("Oktober"), lazy_gettext("November"), lazy_gettext("Desember"))
WEEKDAYS = (lazy_gettext("Senin"), lazy_gettext("Selasa"), lazy_gettext("Rabu"), lazy_gettext("Kamis"),
            lazy_gettext("Jumat"), lazy_gettext("Sabtu"), lazy_gettext("Minggu"))


def day_words(day: date | None, weekday: bool = True) -> str:
    """date(2026, 12, 2) -> 'Rabu, 2 Desember 2026' ('2 Desember 2026' without the weekday); '-' for None."""
    if day is None:
        return "-"
    if isinstance(day, datetime):
        day = day.date()
    text = _("%(day)s %(month)s %(year)s", day=day.day, month=MONTHS[day.month - 1], year=day.year)
    return f"{WEEKDAYS[day.weekday()]}, {text}" if weekday else text


def local_words(naive_utc: datetime | None, clock=None) -> str:
    """A stored UTC instant as the village's local date and time: '2 Desember 2026 14.20 WIB'."""
    if naive_utc is None:
        return "-"
    local = (clock or current_app.extensions["clock"]).local(naive_utc)
    return f"{day_words(local.date(), weekday=False)} {local:%H.%M} {local.tzname() or ''}".strip()


def init_app(app) -> None:
    app.add_template_filter(day_words, "tanggal")
    app.add_template_filter(local_words, "waktu")
