"""Announcements to all or chosen villages (they reach each edge through GET /api/v1/sync/config)."""
from __future__ import annotations

from datetime import datetime, time, timezone

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..announcements import create_announcement, current_announcements, delete_announcement, targets_of
from ..clock import clock
from ..models import Village
from . import dashboard, login_required


def _utc(day_text: str, end_of_day: bool) -> datetime | None:
    """A local date from the form as naive UTC (start or end of that day in the district's zone)."""
    if not day_text:
        return None
    day = datetime.strptime(day_text, "%Y-%m-%d").date()
    local = datetime.combine(day, time.max if end_of_day else time.min,
                             tzinfo=current_app.extensions["district_config"].zone)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


@dashboard.route("/announcements", methods=["GET", "POST"])
@login_required
def announcements():
    """List and publish announcements."""
    villages = list(Village.select().order_by(Village.code))
    if request.method == "POST":
        title = request.form.get("title", "").strip()
        chosen = [c for c in request.form.getlist("villages") if any(v.code == c for v in villages)]
        to_all = request.form.get("audience", "all") == "all"
        try:
            starts = _utc(request.form.get("starts", ""), False)
            ends = _utc(request.form.get("ends", ""), True)
        except ValueError:
            flash(_("Tanggal tidak sah."))
            return redirect(url_for("dashboard.announcements"))
        if not title:
            flash(_("Judul wajib diisi."))
        elif not to_all and not chosen:
            flash(_("Pilih minimal satu desa."))
        else:
            create_announcement(title, request.form.get("body", ""), starts, ends, None if to_all else chosen,
                                clock().utcnow(), g.staff_user.username)
            flash(_("Pengumuman diterbitkan."))
        return redirect(url_for("dashboard.announcements"))
    items = [(a, targets_of(a)) for a in current_announcements()]
    return render_template("announcements.html", items=items, villages=villages)


@dashboard.post("/announcements/<int:announcement_id>/delete")
@login_required
def announcement_delete(announcement_id: int):
    """Withdraw an announcement (villages drop it at their next sync)."""
    if delete_announcement(announcement_id, clock().utcnow()):
        flash(_("Pengumuman ditarik."))
    return redirect(url_for("dashboard.announcements"))
