"""Buku register surat keluar in the console: a month (or a year) of numbered letters, printable on A4 and
downloadable as CSV. Cancelled numbers stay on it, marked "dibatalkan"."""
from __future__ import annotations

from flask import Response, current_app, render_template, request
from flask_babel import gettext as _

from anjungan_core.calendar_words import MONTHS

from ..inputs import bounded_int
from ..letters import register
from .auth import login_required
from .blueprint import staff


def _period() -> tuple[int, int | None]:
    """?year=YYYY&month=1-12 (month "" or 0 = the whole year); defaults to the current local month."""
    today = current_app.extensions["clock"].business_date()
    year_text, month_text = request.args.get("year", ""), request.args.get("month")
    year = bounded_int(year_text, 2000, 2999) or today.year
    if month_text is None:
        return year, today.month
    month = bounded_int(month_text, 1, 12)
    return year, month


@staff.get("/letters/register")
@login_required
def letter_register():
    """The register of outgoing letters for a month or a year (print with the browser's Print button)."""
    year, month = _period()
    entries = register.load(year, month, current_app.extensions["clock"].zone)
    period = f"{_(MONTHS[month - 1])} {year}" if month else str(year)
    return render_template("staff/letter_register.html", entries=entries, year=year, month=month, period=period,
                           months=[(i + 1, _(name)) for i, name in enumerate(MONTHS)],
                           cancelled=sum(1 for e in entries if e.cancelled))


@staff.get("/letters/register.csv")
@login_required
def letter_register_csv():
    """The same register as a CSV download."""
    year, month = _period()
    entries = register.load(year, month, current_app.extensions["clock"].zone)
    name = f"register-surat-{year}" + (f"-{month:02d}" if month else "") + ".csv"
    return Response("\ufeff" + register.to_csv(entries), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def init_app(app) -> None:
    from flask_babel import lazy_gettext

    from . import register_nav

    register_nav(app, "staff.letter_register", lazy_gettext("Register surat"))
