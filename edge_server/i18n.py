"""Language choice: Indonesian unless a staff user chose English (or a request asks with ?lang=en)."""
from __future__ import annotations

from flask import current_app, g, has_request_context, request, session

LANGUAGES = ("id", "en")


def select_locale() -> str:
    if not has_request_context():  # a job, or the ticket route below Flask: the village's language
        return current_app.extensions["edge_config"].language
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    user = getattr(g, "staff_user", None)
    if user is not None and user.language in LANGUAGES:
        return user.language
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return current_app.extensions["edge_config"].language
