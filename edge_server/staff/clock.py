"""The clock banner on every console page, and the admin's confirmation of the time."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from .auth import audit, login_required
from .blueprint import staff


@staff.post("/clock")
@login_required(admin=True)
def confirm_clock():
    """An admin confirms the time (as shown, or as typed from a phone) so numbering can resume."""
    clock = current_app.extensions["clock"]
    keeper = current_app.extensions.get("timekeeper")
    text = request.form.get("local_time", "").strip()
    try:
        local = datetime.fromisoformat(text).replace(tzinfo=clock.zone) if text else None
    except ValueError:
        flash(_("Format waktu salah. Contoh: 2026-11-28T09:30"))
        return redirect(request.referrer or url_for("staff.home"))
    if keeper is None:
        flash(_("Jam server diatur oleh sistem; tidak perlu konfirmasi."))
    else:
        keeper.confirm("admin", local)
        audit(g.staff_user.username, "clock.confirm", text or "as shown")
        flash(_("Jam server dikonfirmasi."))
    return redirect(request.referrer if (request.referrer or "").find("/staff/") >= 0 else url_for("staff.home"))


def init_app(app) -> None:
    @app.context_processor
    def _clock_banner():
        clock = app.extensions["clock"]
        return {"clock_verdict": clock.verdict, "clock_local_now": clock.local().strftime("%Y-%m-%dT%H:%M")}
