"""The kiosk's satisfaction question: residents leaving the hall tap a face on the kiosk."""
from __future__ import annotations

from flask import jsonify

from ..survey import rules
from ..survey.service import record_answer
from . import clock, device_required, json_body, kiosk_api


@kiosk_api.get("/survey")
@device_required
def survey_question():
    """The question, its five answers and the improvement topics, in the kiosk's words."""
    return jsonify({"question": "Bagaimana pelayanan kami hari ini?",
                    "scores": [{"score": k, "emoji": v[0], "label": str(v[1])} for k, v in rules.SCORES.items()],
                    "improve_question": "Apa yang perlu kami perbaiki?",
                    "improve": [{"code": k, "label": str(v)} for k, v in rules.IMPROVE_TOPICS.items()]})


@kiosk_api.post("/survey")
@device_required
def survey_answer():
    """Store an answer: {"score": 1-5, "improve": code or "", "service": "A" (optional),
    "ticket_id": uuid (optional)}."""
    body = json_body()
    record_answer(clock=clock(), score=body.get("score"), improve=body.get("improve"), source="kiosk",
                  ticket_id=body.get("ticket_id") if body.get("ticket_id") != "" else None,
                  service_code=body.get("service") if body.get("service") != "" else None)
    return jsonify({"status": "ok"}), 201
