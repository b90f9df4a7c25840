"""The console home and the counter console page."""
from __future__ import annotations

from flask import g, redirect, render_template, request, session, url_for

from ..models import Counter, Service
from .auth import login_required
from .blueprint import staff


@staff.get("/")
@login_required
def home():
    """Console home: pick a counter, see the services."""
    counters = list(Counter.select().order_by(Counter.number))
    return render_template("staff/home.html", counters=counters,
                           services=list(Service.select().order_by(Service.sort_order, Service.code)))


@staff.get("/counter/<int:number>")
@login_required
def counter(number: int):
    """The counter console: current ticket, buttons, waiting list; it refreshes itself."""
    counter = Counter.get_or_none(Counter.number == number)
    if counter is None:
        return redirect(url_for("staff.home"))
    services = list(Service.select().order_by(Service.sort_order, Service.code))
    return render_template("staff/counter.html", counter=counter, services=services)


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
