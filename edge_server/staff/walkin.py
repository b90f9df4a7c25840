"""Counter work on tickets: walk-in tickets for residents at the desk, and reprints of failed prints."""
from __future__ import annotations

from flask import current_app, jsonify
from flask_babel import gettext as _

from ..counter_print import print_ticket
from ..errors import ApiError
from ..models import Ticket
from ..queue import service as queue
from .api import _body
from .auth import login_required
from .blueprint import staff


def _cfg():
    return current_app.extensions["edge_config"]


def _clock():
    return current_app.extensions["clock"]


def _answer(ticket: Ticket, error: str, status: int = 200):
    return jsonify({"ticket": queue.ticket_json(ticket, _cfg().public_pages_url()), "printed": not error,
                    "print_error": error}), status


@staff.post("/api/tickets")
@login_required
def walk_in():
    """Issue a ticket at the counter and print it on the counter's printer."""
    body = _body()
    code, priority = body.get("service"), body.get("priority", False)
    if not isinstance(code, str) or len(code) != 1 or not isinstance(priority, bool):
        raise ApiError(400, "invalid_body", _("Pilih layanan (satu huruf) dan prioritas ya/tidak."))
    ticket = queue.issue_ticket(code, clock=_clock(), priority=priority, source="counter")
    return _answer(ticket, print_ticket(ticket, _cfg(), _clock()), 201)


@staff.post("/api/tickets/<ticket_id>/reprint")
@login_required
def reprint(ticket_id: str):
    """Print a ticket again on the counter's printer (its kiosk print failed, or the slip was lost)."""
    ticket = Ticket.get_or_none(Ticket.id == ticket_id[:64])
    if ticket is None:
        raise ApiError(404, "unknown_ticket", _("Tiket tidak ditemukan."))
    return _answer(ticket, print_ticket(ticket, _cfg(), _clock()))


@staff.get("/api/tickets/unprinted")
@login_required
def unprinted():
    """Today's open tickets whose receipt did not print: staff reprint or read the number out."""
    today = _clock().business_date()
    rows = (Ticket.select().where(queue.of_every_service(Ticket.service) & (Ticket.business_date == today)
                                  & (Ticket.printed == False)  # noqa: E712
                                  & (Ticket.status.in_(("waiting", "called", "serving"))))
            .order_by(Ticket.issued_at))
    return jsonify({"tickets": [{**queue.ticket_json(t, _cfg().public_pages_url()), "print_error": t.print_error}
                                for t in rows]})
