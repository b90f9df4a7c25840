"""Dashboard login and logout (hashed passwords, CSRF-protected forms)."""
from __future__ import annotations

import logging

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..registry import check_staff
from . import dashboard

log = logging.getLogger(__name__)


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=200)])


@dashboard.route("/login", methods=["GET", "POST"])
def login():
    """The login form; on success, the overview."""
    form = LoginForm()
    error, status = None, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            error, status = _("Isi nama pengguna dan kata sandi."), 400
        else:
            user = check_staff(form.username.data, form.password.data,
                               current_app.extensions["district_config"].password_hash)
            if user is None:
                error, status = _("Nama pengguna atau kata sandi salah."), 401
            else:
                lang = session.get("lang")
                session.clear()
                session.permanent = True
                session["staff_id"] = user.id
                if lang:
                    session["lang"] = lang
                log.info("district staff login: %s", user.username)
                target = request.args.get("next", "")
                ok = target.startswith("/") and not target.startswith("//")
                return redirect(target if ok else url_for("dashboard.overview"))
    return render_template("login.html", form=form, error=error), status


@dashboard.post("/logout")
def logout():
    """End the session."""
    session.clear()
    return redirect(url_for("dashboard.login"))


@dashboard.post("/language")
def language():
    """Switch between Bahasa Indonesia and English."""
    lang = request.form.get("lang", "id")
    session["lang"] = lang if lang in ("id", "en") else "id"
    target = request.referrer or url_for("dashboard.overview")
    return redirect(target)
