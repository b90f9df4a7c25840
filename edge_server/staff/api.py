"""Staff JSON actions under /staff/api (CONTRACTS.md section 3): session cookie + X-CSRFToken."""
from __future__ import annotations

from flask import current_app, g, jsonify
from flask_babel import gettext as _

from ..devices import device_json
from ..errors import ApiError
from ..inputs import json_object
from ..models import Device
from ..queue import service as queue
from .auth import login_required
from .blueprint import staff

ACTIONS = ("recall", "start", "finish", "no-show", "transfer", "cancel")


def _clock():
    return current_app.extensions["clock"]


def _base_url() -> str:
    return current_app.extensions["edge_config"].public_pages_url()


def _body() -> dict:
    return json_object(required=False)


@staff.post("/api/counters/<number>/call-next")
@login_required
def call_next(number: str):
    """Call the next ticket for this counter."""
    ticket = queue.call_next(number, clock=_clock(), staff=g.staff_user)
    return jsonify({"ticket": queue.ticket_json(ticket, _base_url()) if ticket else None})


@staff.get("/api/counters/<number>/state")
@login_required
def counter_state(number: str):
    """The counter's current ticket and its waiting list (the console polls this)."""
    return jsonify(queue.counter_state(number, _clock(), _base_url()))


@staff.post("/api/tickets/<ticket_id>/<action>")
@login_required
def ticket_action(ticket_id: str, action: str):
    """Recall, start, finish, no-show, cancel or transfer a ticket."""
    if action not in ACTIONS:
        raise ApiError(404, "unknown_action", _("Aksi %(action)s tidak dikenal.", action=action[:20]))
    body = _body()
    target = body.get("service")
    if action == "transfer" and not isinstance(target, str):
        raise ApiError(400, "invalid_body", _("Pilih layanan tujuan."))
    ticket = queue.act(ticket_id[:64], action, clock=_clock(), staff=g.staff_user, target_service=target)
    return jsonify({"ticket": queue.ticket_json(ticket, _base_url())})


@staff.get("/api/devices")
@login_required
def devices():
    """Paired devices with their last heartbeat."""
    rows = Device.select().where(Device.revoked_at.is_null()).order_by(Device.name)
    return jsonify({"devices": [device_json(d) for d in rows]})


@staff.get("/api/services")
@login_required
def services():
    """Services with waiting counts (for the transfer menu and the overview)."""
    return jsonify({"services": queue.services_overview(_clock())})
