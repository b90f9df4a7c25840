"""The daily report: tickets per service, served, no-show, average wait and service time; CSV export."""
from __future__ import annotations

import csv
import io
from datetime import date

from flask import Response, current_app, render_template, request

from ..models import Service, Ticket
from ..queue import rules
from ..queue.service import of_every_service
from .auth import login_required
from .blueprint import staff


def daily_report(day: date) -> list[dict]:
    """One row per service for a business day, plus a total row."""
    rows = []
    tickets = list(Ticket.select().where(of_every_service(Ticket.issued_service) & (Ticket.business_date == day)))
    services = list(Service.select().order_by(Service.sort_order, Service.code))
    for service in services + [None]:
        mine = [t for t in tickets if service is None or t.service_id == service.id]
        waits = [(t.called_at - t.issued_at).total_seconds() for t in mine if t.called_at]
        serves = [(t.finished_at - (t.started_at or t.called_at)).total_seconds() for t in mine
                  if t.status == rules.DONE and t.finished_at and (t.started_at or t.called_at)]
        rows.append({
            "service": service.code if service else "Total",
            "service_name": service.name if service else "",
            "issued": len(mine),
            "served": sum(1 for t in mine if t.status == rules.DONE),
            "no_show": sum(1 for t in mine if t.status == rules.NO_SHOW),
            "waiting": sum(1 for t in mine if t.status == rules.WAITING),
            "avg_wait_minutes": round(sum(waits) / len(waits) / 60, 1) if waits else None,
            "avg_service_minutes": round(sum(serves) / len(serves) / 60, 1) if serves else None,
        })
    return rows


def _day() -> date:
    text = request.args.get("date", "")
    try:
        return date.fromisoformat(text)
    except ValueError:
        return current_app.extensions["clock"].business_date()


@staff.get("/reports/daily")
@login_required
def report_daily():
    """The day's figures per service."""
    day = _day()
    return render_template("staff/report_daily.html", day=day, rows=daily_report(day))


@staff.get("/reports/daily.csv")
@login_required
def report_daily_csv():
    """The same figures as CSV."""
    day = _day()
    rows = daily_report(day)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()))
    writer.writeheader()
    writer.writerows(rows)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=laporan-antrian-{day}.csv"})
