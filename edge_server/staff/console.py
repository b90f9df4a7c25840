"""The console home and the counter console page."""
from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, session, url_for

from ..models import Counter, CounterService, Service
from .auth import login_required
from .blueprint import staff


@staff.get("/")
@login_required
def home():
    """Console home: pick a counter, see the services."""
    counters = list(Counter.select().order_by(Counter.number))
    return render_template("staff/home.html", counters=counters, counter_services=served_by(counters),
                           today=current_app.extensions["clock"].business_date(),
                           services=list(Service.select().order_by(Service.sort_order, Service.code)))


def served_by(counters: list[Counter]) -> dict[int, str]:
    """Each counter's services as one line ("A · Layanan Umum, B · Surat"), for the tiles and the header."""
    names: dict[int, list[str]] = {c.id: [] for c in counters}
    links = (CounterService.select(CounterService, Service).join(Service)
             .where(CounterService.counter.in_([c.id for c in counters]))
             .order_by(Service.sort_order, Service.code))
    for link in links:
        names[link.counter_id].append(f"{link.service.code} · {link.service.name}")
    return {counter_id: ", ".join(parts) for counter_id, parts in names.items()}


@staff.get("/counter/<int:number>")
@login_required
def counter(number: int):
    """The counter console: current ticket, buttons, waiting list; it refreshes itself."""
    counter = Counter.get_or_none(Counter.number == number)
    if counter is None:
        return redirect(url_for("staff.home"))
    services = list(Service.select().order_by(Service.sort_order, Service.code))
    return render_template("staff/counter.html", counter=counter, services=services,
                           serves=served_by([counter])[counter.id],
                           today=current_app.extensions["clock"].business_date())


@staff.post("/language")
@login_required
def language():
    """Switch the console language for this user."""
    lang = request.form.get("lang", "id")
    if lang in ("id", "en"):
        g.staff_user.language = lang
        g.staff_user.save()
        session["lang"] = lang
    return redirect(request.referrer if (request.referrer or "").find("/staff/") >= 0 else url_for("staff.home"))
