"""Public pages (no login) and what they share; here the ticket tracking page /t/<token>.

Nothing on these pages names a resident: no NIK, no name, only the ticket's number and where it stands.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask_babel import gettext as _
from flask_babel import ngettext

from ..models import Ticket, VillageProfile
from ..queue import rules, track_tokens
from ..queue import service as queue

public = Blueprint("public", __name__)

REFRESH_SECONDS = 10


@public.context_processor
def _village():
    """Every public page shows which village hall it belongs to."""
    profile = VillageProfile.select().first()
    name = profile.name if profile else current_app.extensions["edge_config"].village_name
    return {"village_name": name}


def not_found_page(message: str | None = None):
    """A friendly 404 page for a public link that leads nowhere (other public pages use it too)."""
    return render_template("public/not_found.html",
                           message=message or _("Tautan ini tidak dikenal atau sudah tidak berlaku.")), 404


def status_label(status: str, counter: int | None) -> str:
    """The ticket's state in words a resident understands."""
    if status == rules.CALLED:
        if counter:
            return _("Dipanggil, silakan menuju loket %(n)s", n=counter)
        return _("Dipanggil")
    return {
        rules.WAITING: _("Menunggu giliran"),
        rules.SERVING: _("Sedang dilayani"),
        rules.DONE: _("Selesai dilayani"),
        rules.NO_SHOW: _("Tidak hadir saat dipanggil"),
        rules.CANCELLED: _("Dibatalkan"),
    }.get(status, status)


def ahead_label(status: str, position: int) -> str | None:
    if status != rules.WAITING:
        return None
    if position == 0:
        return _("Anda berikutnya")
    return ngettext("%(num)d orang di depan Anda", "%(num)d orang di depan Anda", position)


def wait_label(status: str, minutes: int) -> str | None:
    if status != rules.WAITING:
        return None
    if minutes <= 1:
        return _("Kurang dari 1 menit lagi")
    return _("Perkiraan menunggu sekitar %(n)s menit", n=minutes)


def ticket_view(ticket: Ticket) -> dict:
    """What the tracking page shows: the contract's numbers, with words, and nothing about the person."""
    cfg = current_app.extensions["edge_config"]
    t = queue.ticket_json(ticket, cfg.public_pages_url(), cfg.default_service_minutes)
    return {
        "number": t["number"],
        "service": t["service"],
        "service_name": t["service_name"],
        "business_date": t["business_date"],
        "status": t["status"],
        "status_label": status_label(t["status"], t["counter"]),
        "counter": t["counter"],
        "position": t["position"],
        "position_label": ahead_label(t["status"], t["position"]),
        "estimated_wait_minutes": t["estimated_wait_minutes"],
        "wait_label": wait_label(t["status"], t["estimated_wait_minutes"]),
        "open": t["status"] in rules.OPEN_STATUSES,
    }


def _ticket(token: str) -> Ticket | None:
    return track_tokens.ticket_for(token)


@public.get("/t/<token>.json")
def ticket_status_json(token: str):
    """The tracking page's numbers as JSON (the page polls this)."""
    ticket = _ticket(token)
    if ticket is None:
        return jsonify({"error": {"code": "unknown_ticket", "message": _("Tiket tidak ditemukan.")}}), 404
    response = jsonify({"ticket": ticket_view(ticket), "refresh_seconds": REFRESH_SECONDS})
    response.cache_control.no_store = True
    return response


@public.get("/t/<token>")
def ticket_status(token: str):
    """A resident's ticket on a phone: number, service, status, how many ahead, the wait; refreshes itself."""
    ticket = _ticket(token)
    if ticket is None:
        return not_found_page(_("Tiket ini tidak ditemukan. Periksa kembali tautan atau kode QR pada karcis Anda."))
    response = current_app.make_response(render_template(
        "public/ticket.html", t=ticket_view(ticket), token=token, refresh_seconds=REFRESH_SECONDS))
    response.cache_control.no_store = True
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is the only key to this page
    return response
