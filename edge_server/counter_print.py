"""Printing a queue ticket on the counter's own printer (walk-ins and reprints). Save first, then print."""
from __future__ import annotations

import logging

from drivers.printer import PrinterError, open_printer
from drivers.receipt import queue_ticket_receipt

from .clock import Clock
from .config import EdgeConfig
from .models import Ticket, VillageProfile
from .queue import service as queue

log = logging.getLogger(__name__)


def ticket_receipt(ticket: Ticket, cfg: EdgeConfig, clock: Clock):
    """The receipt for a stored ticket, as the kiosk would print it."""
    view = queue.ticket_json(ticket, cfg.public_pages_url(), cfg.default_service_minutes)
    village = VillageProfile.select().first()
    return queue_ticket_receipt(
        village_name=village.name if village else cfg.village_name, service_code=ticket.service.code,
        service_name=ticket.service.name, number=view["number"], issued_at=clock.local(ticket.issued_at),
        ahead=view["position"], estimated_wait_minutes=view["estimated_wait_minutes"],
        track_url=view["track_url"], priority=ticket.priority)


def print_ticket(ticket: Ticket, cfg: EdgeConfig, clock: Clock) -> str:
    """Print on `cfg.counter_printer`; record the outcome on the ticket. Returns "" or the error in words."""
    error = ""
    if not cfg.counter_printer:
        error = "Printer loket belum diatur (counter_printer)."
    else:
        try:
            with open_printer(cfg.counter_printer, timeout=5.0) as printer:
                printer.print(ticket_receipt(ticket, cfg, clock))
        except PrinterError as exc:
            error = str(exc) or exc.__class__.__name__
            log.warning("counter printer failed for ticket %s: %s", queue.ticket_number(ticket), error)
    Ticket.update(printed=not error, print_error=error[:200]).where(Ticket.id == ticket.id).execute()
    return error
