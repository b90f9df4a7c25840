"""Services and queue tickets for kiosks."""
from __future__ import annotations

import functools
import hashlib
import json

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _

from ..errors import ApiError
from ..inputs import clean_text, is_ascii_text
from ..models import Ticket
from ..queue import issuing
from ..queue import service as queue
from . import clock, config, device_required, json_body, kiosk_api

MAX_KEY_LENGTH = 200


@kiosk_api.get("/services")
@device_required
def services():
    """Every service, open or not, with its queue length and wait estimate."""
    return jsonify({"services": queue.services_overview(clock(), config().default_service_minutes)})


def ticket_request(body: dict) -> tuple[str, bool]:
    """The service code and priority a take asks for. :raises ApiError: 400, saying what is wrong."""
    service_code = body.get("service")
    priority = body.get("priority", False)
    if not is_ascii_text(service_code, 1) or not service_code.isalpha():
        raise ApiError(400, "invalid_body", _("service harus satu huruf kode layanan, misalnya \"A\"."))
    if not isinstance(priority, bool):
        raise ApiError(400, "invalid_body", _("priority harus true atau false."))
    unknown = set(body) - {"service", "priority"}
    if unknown:
        raise ApiError(400, "invalid_body", _("Kolom tidak dikenal: %(fields)s", fields=", ".join(sorted(unknown))))
    return service_code.upper(), priority


def order_for(app, *, device_id: int, service_code: str, priority: bool, resident_id: int | None,
              key: str | None, catalog=None) -> issuing.TicketOrder:
    """The take a kiosk asks for. :raises ApiError: a bad Idempotency-Key, or a service that is unknown, off or
    closed now; ClockUntrusted."""
    fingerprint = ""
    if key is not None:
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            raise ApiError(400, "invalid_idempotency_key", _("Idempotency-Key harus 1-200 karakter."))
        fingerprint = request_fingerprint(service_code, priority, resident_id)
    return queue.ticket_order(service_code, clock=app.extensions["clock"], priority=priority, device_id=device_id,
                              resident_id=resident_id, key=key, fingerprint=fingerprint, catalog=catalog)


@functools.lru_cache(maxsize=1024)  # a few services, two priorities, and the residents of a busy hour
def request_fingerprint(service_code: str, priority: bool, resident_id: int | None) -> str:
    """What a take asked for, kept with its Idempotency-Key: the same key with another request is a conflict."""
    return hashlib.sha256(json.dumps([service_code, priority, resident_id]).encode()).hexdigest()[
        :issuing.FINGERPRINT_LENGTH]


def take(app, order: issuing.TicketOrder, first_try: bool = False) -> issuing.Outcome:
    """Run the take as a group commit job with the takes of other kiosks arriving at the same moment
    (`first_try`: see issuing.take)."""
    return app.extensions["group_commit"].run(lambda: issuing.take(order, first_try))


def new_ticket_answer(app, order: issuing.TicketOrder, outcome: issuing.Outcome) -> dict:
    """The 201 answer, built from what the take returned, without reading the ticket again."""
    cfg = app.extensions["edge_config"]
    return {"ticket": queue.new_ticket_json(order, outcome, cfg.public_pages_url(), cfg.default_service_minutes)}


def resident_for_session() -> int | None:
    """The resident of an X-Kiosk-Session header, when identity sessions are installed and one is given."""
    resolver = current_app.extensions.get("kiosk_session_resolver")
    token = request.headers.get("X-Kiosk-Session")
    if not token or resolver is None:
        return None
    return resolver(token, g.device).resident_id


@kiosk_api.post("/tickets")
@device_required
def take_ticket():
    """Take a queue number; an Idempotency-Key makes a retry return the same ticket.

    The plainest take (no resident session, a new number) is usually answered before Flask by
    api/ticket_route.py, with the same steps; this view answers every other case, and every refusal.
    """
    app = current_app._get_current_object()
    with app.extensions["group_commit"].coming():
        service_code, priority = ticket_request(json_body())
        order = order_for(app, device_id=g.device.id, service_code=service_code, priority=priority,
                          resident_id=resident_for_session(), key=request.headers.get("Idempotency-Key"))
        outcome = queue.issued(take(app, order), order.service)
    if outcome.kind == issuing.REPLAYED:
        cfg = config()
        return jsonify({"ticket": queue.ticket_json(Ticket.get_by_id(outcome.ticket_id), cfg.public_pages_url(),
                                                    cfg.default_service_minutes)}), 200
    return jsonify(new_ticket_answer(app, order, outcome)), 201


@kiosk_api.get("/tickets/<ticket_id>")
@device_required
def get_ticket(ticket_id: str):
    """A ticket's current state and position."""
    ticket = Ticket.get_or_none(Ticket.id == ticket_id[:64])
    if ticket is None:
        raise ApiError(404, "unknown_ticket", _("Tiket tidak ditemukan."))
    cfg = config()
    return jsonify({"ticket": queue.ticket_json(ticket, cfg.public_pages_url(), cfg.default_service_minutes)})


@kiosk_api.post("/tickets/<ticket_id>/printed")
@device_required
def report_print(ticket_id: str):
    """The kiosk says whether the ticket's receipt printed; failed ones are marked for reprint."""
    body = json_body()
    ok = body.get("printed")
    if not isinstance(ok, bool):
        raise ApiError(400, "invalid_body", _("printed harus true atau false."))
    error = body.get("error", "")
    if clean_text(error, 10_000) is None:
        raise ApiError(400, "invalid_body", _("error harus berupa teks."))
    updated = Ticket.update(printed=ok, print_error="" if ok else error[:200]).where(
        Ticket.id == ticket_id[:64]).execute()
    if not updated:
        raise ApiError(404, "unknown_ticket", _("Tiket tidak ditemukan."))
    return jsonify({"status": "ok"})
