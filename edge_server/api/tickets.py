"""Services and queue tickets for kiosks."""
from __future__ import annotations

import hashlib
import json

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _

from ..db import write_transaction
from ..errors import ApiError
from ..inputs import clean_text, is_ascii_text
from ..models import IdempotencyKey, Ticket
from ..queue import service as queue
from . import clock, config, device_required, json_body, kiosk_api

MAX_KEY_LENGTH = 200


@kiosk_api.get("/services")
@device_required
def services():
    """Every service, open or not, with its queue length and wait estimate."""
    return jsonify({"services": queue.services_overview(clock(), config().default_service_minutes)})


def _ticket_body() -> tuple[str, bool]:
    body = json_body()
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
    """Take a queue number; an Idempotency-Key makes a retry return the same ticket."""
    service_code, priority = _ticket_body()
    resident_id = resident_for_session()
    key = request.headers.get("Idempotency-Key")
    base_url = config().public_pages_url()
    if key is None:
        ticket = queue.issue_ticket(service_code, clock=clock(), priority=priority, device=g.device,
                                    resident_id=resident_id)
        return jsonify({"ticket": queue.ticket_json(ticket, base_url)}), 201
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise ApiError(400, "invalid_idempotency_key", _("Idempotency-Key harus 1-200 karakter."))
    fingerprint = hashlib.sha256(json.dumps([service_code, priority, resident_id]).encode()).hexdigest()
    with write_transaction():
        known = IdempotencyKey.get_or_none((IdempotencyKey.device == g.device) & (IdempotencyKey.key == key))
        if known is not None:
            if known.request_hash != fingerprint:
                raise ApiError(409, "idempotency_conflict",
                               _("Idempotency-Key ini sudah dipakai untuk permintaan lain."))
            return jsonify({"ticket": queue.ticket_json(known.ticket, base_url)}), 200
        ticket = queue.issue_ticket(service_code, clock=clock(), priority=priority, device=g.device,
                                    resident_id=resident_id)
        today = clock().business_date()
        IdempotencyKey.delete().where(IdempotencyKey.business_date < today).execute()
        IdempotencyKey.create(device=g.device, key=key, request_hash=fingerprint, ticket=ticket,
                              business_date=today)
    return jsonify({"ticket": queue.ticket_json(ticket, base_url)}), 201


@kiosk_api.get("/tickets/<ticket_id>")
@device_required
def get_ticket(ticket_id: str):
    """A ticket's current state and position."""
    ticket = Ticket.get_or_none(Ticket.id == ticket_id[:64])
    if ticket is None:
        raise ApiError(404, "unknown_ticket", _("Tiket tidak ditemukan."))
    return jsonify({"ticket": queue.ticket_json(ticket, config().public_pages_url())})


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
