"""Letter types and letter requests for kiosks (a full session: PIN or e-KTP tag)."""
from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import gettext as _

from ..errors import ApiError
from ..letters import service as letters
from ..queue import service as queue
from ..residents import identity
from . import clock, config, device_required, json_body, kiosk_api


def _full_session():
    session = identity.resolve_session(request.headers.get("X-Kiosk-Session", ""), g.device, clock())
    identity.require_full(session)
    return session


@kiosk_api.get("/letter-types")
@device_required
def letter_types():
    """The letters residents can ask for at a kiosk, with their fields and documents to bring."""
    return jsonify({"letter_types": letters.letter_types_json(detail=_detail())})


def _detail() -> bool:
    """?detail=1: the kiosk's extras (descriptions, purpose choices, documents to bring) beyond the contract."""
    return request.args.get("detail") == "1"


@kiosk_api.post("/letters")
@device_required
def request_letter():
    """Request a letter for the identified resident; a pickup ticket too when the village wants one."""
    session = _full_session()
    body = json_body()
    unknown = set(body) - {"type", "fields"}
    if unknown:
        raise ApiError(400, "invalid_body", _("Kolom tidak dikenal: %(fields)s", fields=", ".join(sorted(unknown))))
    letter = letters.create_request(session.resident, body.get("type"), body.get("fields", {}), clock=clock(),
                                    device=g.device)
    ticket = letters.attach_ticket(letter, clock(), g.device)
    base_url = config().public_pages_url()
    return jsonify({"letter": letters.letter_json(letter, base_url, _detail()),
                    "ticket": queue.ticket_json(ticket, base_url) if ticket else None}), 201


@kiosk_api.get("/letters")
@device_required
def list_letters():
    """The identified resident's letter requests, newest first."""
    session = _full_session()
    base_url = config().public_pages_url()
    found = letters.resident_letters(session.resident_id)
    return jsonify({"letters": [letters.letter_json(letter, base_url, _detail()) for letter in found]})
