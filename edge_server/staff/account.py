"""A staff member changes their own password."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from anjungan_core.passwords import check_secret, hash_secret

from ..passwords import policy_problem
from . import sessions
from .auth import audit, login_required
from .blueprint import staff


@staff.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Current password, then the new one twice; the policy is checked before anything is saved."""
    error = None
    if request.method == "POST":
        current = request.form.get("current", "")
        new = request.form.get("new", "")
        if not check_secret(g.staff_user.password_hash, current):
            error = _("Kata sandi sekarang salah.")
        elif new != request.form.get("confirm", ""):
            error = _("Kata sandi baru dan ulangannya tidak sama.")
        else:
            error = policy_problem(new, g.staff_user.username)
        if error is None:
            g.staff_user.password_hash = hash_secret(new, current_app.extensions["edge_config"].password_hash)
            g.staff_user.save()
            sessions.end_all(g.staff_user.id, keep=session.get("sid"))  # every other login of this user ends
            audit(g.staff_user.username, "user.change_password", g.staff_user.username)
            flash(_("Kata sandi sudah diganti."))
            return redirect(url_for("staff.home"))
    return render_template("staff/password.html", error=error), 400 if error else 200
