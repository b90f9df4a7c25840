"""The dashboard for district staff: login, every village today, a village's 30 days, CSV, announcements."""
from __future__ import annotations

import functools

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from ..clock import clock

dashboard = Blueprint("dashboard", __name__)


def select_locale() -> str:
    """Indonesian unless the staff member chose English."""
    return session.get("lang") if session.get("lang") in ("id", "en") else "id"


def login_required(view):
    """Pages need a logged-in district staff member; otherwise, the login form."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("staff_user") is None:
            return redirect(url_for("dashboard.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


def session_limits() -> tuple[int, int]:
    """(idle seconds, absolute seconds) of a dashboard session, from the district config."""
    cfg = current_app.extensions["district_config"]
    return cfg.session_idle_minutes * 60, cfg.session_max_hours * 3600


def _end_session(message: str) -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(message)


def _load_user() -> None:
    """The staff member of this request, from the server-side session the cookie's token names."""
    from ..models import StaffUser
    from ..staff_sessions import current

    g.staff_user = None
    token = session.get("sid")
    if token is None or request.endpoint == "static":
        if "staff_id" in session:  # a cookie from before sessions lived on the server: no longer valid
            _end_session(_("Sesi Anda berakhir. Silakan masuk lagi."))
        return
    row, why = current(token, clock().unix(), *session_limits())
    if row is None:
        _end_session(_("Sesi Anda berakhir. Silakan masuk lagi."))
        return
    g.staff_user = StaffUser.get_or_none((StaffUser.id == row.staff_id) & StaffUser.active)
    if g.staff_user is None:
        from ..staff_sessions import end

        end(token)
        _end_session(_("Akun Anda tidak aktif lagi."))


def _csrf_error(exc: CSRFError):
    """A form without a valid CSRF token (an old page, or another site posting here)."""
    return render_template("message.html", title=_("Formulir kedaluwarsa"),
                           message=_("Formulir ini sudah kedaluwarsa atau tidak sah. Muat ulang halaman lalu "
                                     "coba lagi.")), 400


def init_app(app) -> None:
    from . import announce, auth, views  # noqa: F401  (routes)

    app.before_request(_load_user)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_blueprint(dashboard)
