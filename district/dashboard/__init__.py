"""The dashboard for district staff: login, every village today, a village's 30 days, CSV, announcements."""
from __future__ import annotations

import functools

from flask import Blueprint, g, redirect, request, session, url_for

dashboard = Blueprint("dashboard", __name__)


def select_locale() -> str:
    """Indonesian unless the staff member chose English."""
    return session.get("lang") if session.get("lang") in ("id", "en") else "id"


def login_required(view):
    """Pages need a logged-in district staff member; otherwise, the login form."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("staff_user") is None:
            return redirect(url_for("dashboard.login", next=request.path))
        return view(*args, **kwargs)

    return wrapper


def _load_user() -> None:
    from ..models import StaffUser

    g.staff_user = None
    staff_id = session.get("staff_id")
    if staff_id is not None:
        g.staff_user = StaffUser.get_or_none((StaffUser.id == staff_id) & StaffUser.active)
        if g.staff_user is None:
            session.clear()


def init_app(app) -> None:
    from . import announce, auth, views  # noqa: F401  (routes)

    app.before_request(_load_user)
    app.register_blueprint(dashboard)
