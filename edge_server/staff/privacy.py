"""Personal data pages for admins (UU PDP): a resident's access log, the export of everything held about them,
and the retention period after which tickets forget who took them (with a "run now" button)."""
from __future__ import annotations

import json

from flask import Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..models import Resident
from ..residents import privacy
from ..retention import erase_old_ticket_links, retention_days
from . import dates
from .auth import audit, login_required
from .blueprint import staff


def _clock():
    return current_app.extensions["clock"]


@staff.get("/residents/<int:resident_id>/access-log")
@login_required(admin=True)
def resident_access_log(resident_id: int):
    """Who opened this resident's record, and when."""
    resident = Resident.get_or_none(Resident.id == resident_id)
    if resident is None:
        return redirect(url_for("staff.residents_list"))
    rows = [(dates.local_words(row.at, _clock()), row) for row in privacy.access_log(resident.id)]
    return render_template("staff/resident_access_log.html", r=resident, rows=rows)


@staff.get("/residents/<int:resident_id>/export")
@login_required(admin=True)
def resident_export(resident_id: int):
    """Everything held about one resident as a JSON download (the download itself is logged)."""
    resident = Resident.get_or_none(Resident.id == resident_id)
    if resident is None:
        return redirect(url_for("staff.residents_list"))
    privacy.log_view(resident.id, g.staff_user.username, _clock().utcnow(), "export", privacy.EXPORT_ACTION)
    body = json.dumps({"exported_at": _clock().local().isoformat(timespec="seconds"),
                       "exported_by": g.staff_user.username, **privacy.export(resident)},
                      ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="data-penduduk-{resident.id}.json"',
        "Cache-Control": "no-store"})


@staff.route("/admin/privacy", methods=["GET", "POST"])
@login_required(admin=True)
def admin_privacy():
    """The retention period for ticket links, and running the retention job now."""
    if request.method == "POST":
        if request.form.get("action") == "run":
            count = erase_old_ticket_links(_clock())
            audit(g.staff_user.username, "retention.run", "", f"{count} tickets")
            flash(_("Penghapusan dijalankan: %(n)s tiket dilepas dari penduduk.", n=count))
        else:
            try:
                days = privacy.parse_retention_days(request.form.get("retention_days", ""))
            except ValueError:
                flash(_("Masa simpan harus angka %(min)s-%(max)s hari.", min=privacy.MIN_RETENTION_DAYS,
                        max=privacy.MAX_RETENTION_DAYS))
                return redirect(url_for("staff.admin_privacy"))
            privacy.save_retention_days(days)
            audit(g.staff_user.username, "retention.settings", "", f"retention_days={days}")
            flash(_("Masa simpan disimpan: %(n)s hari.", n=days))
        return redirect(url_for("staff.admin_privacy"))
    return render_template("staff/admin_privacy.html", days=retention_days(), min_days=privacy.MIN_RETENTION_DAYS,
                           max_days=privacy.MAX_RETENTION_DAYS)


def init_app(app) -> None:
    from flask_babel import lazy_gettext

    from . import register_nav

    register_nav(app, "staff.admin_privacy", lazy_gettext("Privasi data"), admin=True)
