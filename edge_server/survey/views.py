"""The counter tablet's survey page: /survey?counter=N (no login; one answer per finished ticket)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext as _

from ..errors import ApiError
from ..inputs import bounded_int, json_object
from . import rules
from .service import pending_for_counter, pending_json, record_answer

survey = Blueprint("survey", __name__, url_prefix="/survey")


def _counter() -> int:
    number = bounded_int(request.args.get("counter", "1"), 1, 999)
    if number is None:
        raise ApiError(400, "invalid_counter", _("Nomor loket tidak sah."))
    return number


@survey.errorhandler(ApiError)
def _error(exc: ApiError):
    return jsonify(exc.to_json()), exc.status


@survey.get("")
def page():
    """The big smiley question for the resident just served at this counter."""
    return render_template("survey/tablet.html", counter=_counter(), scores=rules.SCORES,
                           topics=rules.IMPROVE_TOPICS)


@survey.get("/pending")
def pending():
    """The ticket waiting to be rated at this counter, if any (the page polls this)."""
    return jsonify(pending_json(pending_for_counter(_counter(), current_app.extensions["clock"])))


@survey.post("/answers")
def answer():
    """Store the resident's answer (CSRF header from the page's meta tag)."""
    body = json_object()
    record_answer(clock=current_app.extensions["clock"], score=body.get("score"), improve=body.get("improve"),
                  source="tablet", ticket_id=body.get("ticket_id") or None)
    return jsonify({"status": "ok", "message": _("Terima kasih atas penilaian Anda!")}), 201
