"""The dashboard for district staff: login, every village today, a village's 30 days, CSV, announcements."""
from __future__ import annotations

import functools
import time

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

dashboard = Blueprint("dashboard", __name__)


def select_locale() -> str:
    """Indonesian unless the staff member chose English."""
    return session.get("lang") if session.get("lang") in ("id", "en") else "id"


def now_unix() -> float:
    """The clock sessions are timed by (a function, so tests can move it)."""
    return time.time()


def login_required(view):
    """Pages need a logged-in district staff member; otherwise, the login form."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("staff_user") is None:
            return redirect(url_for("dashboard.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


def session_expired(login_at: float, seen_at: float, now: float) -> bool:
    """True when a session is past its idle limit or its absolute limit (the district config's minutes/hours)."""
    cfg = current_app.extensions["district_config"]
    return now - seen_at > cfg.session_idle_minutes * 60 or now - login_at > cfg.session_max_hours * 3600


def _end_session(message: str) -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(message)


def _load_user() -> None:
    from ..models import StaffUser

    g.staff_user = None
    staff_id = session.get("staff_id")
    if staff_id is None or request.endpoint == "static":
        return
    now = now_unix()
    if session_expired(float(session.get("login_at", 0)), float(session.get("seen_at", 0)), now):
        _end_session(_("Sesi Anda berakhir. Silakan masuk lagi."))
        return
    g.staff_user = StaffUser.get_or_none((StaffUser.id == staff_id) & StaffUser.active)
    if g.staff_user is None:
        _end_session(_("Akun Anda tidak aktif lagi."))
        return
    session["seen_at"] = int(now)


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
