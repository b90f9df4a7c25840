"""Dashboard login and logout: hashed passwords, CSRF-protected forms, a lockout after repeated failures."""
from __future__ import annotations

import logging
from urllib.parse import urlparse

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from .. import staff_sessions
from ..clock import clock
from ..registry import check_staff
from . import dashboard, session_limits, throttle

log = logging.getLogger(__name__)


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=200)])


def _cfg():
    return current_app.extensions["district_config"]


def _safe_next(target: str) -> str | None:
    """A path on this site to go back to after logging in, or None (never another site)."""
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _locked_message() -> str:
    minutes = max(1, round(_cfg().login_lock_seconds / 60))
    return _("Terlalu banyak percobaan gagal. Coba lagi dalam %(minutes)d menit.", minutes=minutes)


def _try_login(username: str, password: str) -> tuple[str | None, int]:
    """Check a login; on success start the session. Returns (error words, HTTP status), (None, 302) when in.

    A locked name gets the same answer whether it exists or not, and so does a wrong password.
    """
    cfg, now = _cfg(), clock().utcnow()
    last_try = throttle.reserve_attempt(username, now, cfg.login_max_failures, cfg.login_lock_seconds)
    if last_try is None:  # locked: no password check at all
        return _locked_message(), 429
    user = check_staff(username, password, cfg.password_hash)
    if user is None:
        if last_try:
            return _locked_message(), 429
        log.info("district login failed: %s", username)
        return _("Nama pengguna atau kata sandi salah."), 401
    throttle.clear(username)
    lang = session.get("lang")
    session.clear()  # a new session (no fixation)
    session.permanent = True
    session["sid"] = staff_sessions.start(user.id, clock().unix(), *session_limits())
    if lang:
        session["lang"] = lang
    log.info("district staff login: %s", user.username)
    return None, 302


@dashboard.route("/login", methods=["GET", "POST"])
def login():
    """The login form; on success, the page asked for (or the overview)."""
    form = LoginForm()
    error, status = None, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            error, status = _("Isi nama pengguna dan kata sandi."), 400
        else:
            error, status = _try_login(form.username.data.strip().lower(), form.password.data)
            if error is None:
                return redirect(_safe_next(request.args.get("next", "")) or url_for("dashboard.overview"))
    return render_template("login.html", form=form, error=error), status


@dashboard.post("/logout")
def logout():
    """End the session, on the server too: a copy of the cookie saved before this no longer logs anybody in."""
    staff_sessions.end(session.get("sid", ""))
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("dashboard.login"))


@dashboard.post("/language")
def language():
    """Switch between Bahasa Indonesia and English, and stay on the same page."""
    lang = request.form.get("lang", "id")
    session["lang"] = lang if lang in ("id", "en") else "id"
    referrer = urlparse(request.referrer or "")
    back = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return redirect(_safe_next(back) or url_for("dashboard.overview"))
