"""Staff login: hashed passwords, CSRF, a lockout counted before the hash, sessions kept on the server."""
from __future__ import annotations

import functools
import logging

from flask import current_app, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from anjungan_core.lockout import LockoutRule
from anjungan_core.passwords import check_secret, dummy_hash

from .. import lockouts
from ..errors import ApiError
from ..models import AuditLog, LoginThrottle, StaffUser
from . import sessions
from .blueprint import staff

log = logging.getLogger(__name__)


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=200)])


def _cfg():
    return current_app.extensions["edge_config"]


def _now():
    return current_app.extensions["clock"].utcnow()


def audit(actor: str, action: str, target: str = "", detail: str = "") -> None:
    AuditLog.create(at=_now(), actor=actor, action=action, target=target, detail=detail[:2000])


class LoginLocked(Exception):
    """The username has used up its tries; nothing was checked."""


def authenticate(username: str, password: str) -> StaffUser | None:
    """The active user with that password, or None; every try counts toward the lockout before it is checked.

    :raises LoginLocked: while the username is locked (no hash is computed).
    """
    cfg = _cfg()
    rule = LockoutRule(cfg.login_max_failures, cfg.login_lock_seconds)
    if not lockouts.reserve(LoginThrottle, LoginThrottle.username, username, rule, _now()):
        raise LoginLocked(username)
    user = StaffUser.get_or_none((StaffUser.username == username) & (StaffUser.active == True))  # noqa: E712
    if user is None:
        check_secret(dummy_hash(cfg.password_hash), password)  # same cost as a real check
        return None
    if not check_secret(user.password_hash, password):
        return None
    lockouts.clear(LoginThrottle, LoginThrottle.username, username)
    return user


@staff.route("/login", methods=["GET", "POST"])
def login():
    """The login form; on success, the console home."""
    form = LoginForm()
    error = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            username = form.username.data.strip().lower()
            try:
                user = authenticate(username, form.password.data)
            except LoginLocked:
                error = _("Terlalu banyak percobaan gagal. Coba lagi beberapa menit lagi.")
                status = 429
            else:
                if user is None:
                    error = _("Nama pengguna atau kata sandi salah.")
                    status = 401
                else:
                    sessions.prune(_cfg(), sessions.wall_now())
                    session.clear()
                    session.permanent = True
                    session["sid"] = sessions.open_session(user, sessions.wall_now())
                    session["lang"] = user.language
                    audit(user.username, "login")
                    log.info("staff login: %s", user.username)
                    return redirect(request.args.get("next") if _safe_next() else url_for("staff.home"))
        else:
            error = _("Isi nama pengguna dan kata sandi.")
            status = 400
    return render_template("staff/login.html", form=form, error=error), status


def _safe_next() -> bool:
    target = request.args.get("next", "")
    return target.startswith("/staff/") and not target.startswith("//")


@staff.post("/logout")
def logout():
    """End the staff session."""
    user = getattr(g, "staff_user", None)
    if user:
        audit(user.username, "logout")
    sessions.end(session.get("sid"))
    session.clear()
    return redirect(url_for("staff.login"))


def _load_user() -> None:
    g.staff_user = None
    if "sid" in session or "staff_id" in session:  # staff_id: a cookie from before server-side sessions
        user = sessions.resolve(session.get("sid"), _cfg(), sessions.wall_now())
        if user is None:
            session.clear()
        g.staff_user = user


def _wants_json() -> bool:
    return request.path.startswith("/staff/api/")


def login_required(view=None, *, admin: bool = False):
    """Pages redirect to the login form; JSON endpoints answer 401 (403 for non-admins on admin pages)."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            user = g.get("staff_user")
            if user is None:
                if _wants_json():
                    raise ApiError(401, "login_required", _("Silakan masuk lagi."))
                return redirect(url_for("staff.login", next=request.path))
            if admin and not user.is_admin:
                if _wants_json():
                    raise ApiError(403, "admin_only", _("Hanya admin yang boleh."))
                flash(_("Hanya admin yang boleh membuka halaman itu."))
                return redirect(url_for("staff.home"))
            return func(*args, **kwargs)

        return wrapper

    return decorate(view) if view else decorate


def init_app(app) -> None:
    app.before_request(_load_user)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        if request.path.startswith("/staff/api/") or request.is_json:
            return jsonify({"error": {"code": "csrf_failed", "message": _("Token CSRF tidak ada atau salah.")}}), 400
        return render_template("staff/message.html", message=_("Formulir kedaluwarsa. Muat ulang halaman.")), 400

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return jsonify(exc.to_json()), exc.status
