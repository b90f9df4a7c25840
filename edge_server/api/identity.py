"""POST /api/v1/identify, and the X-Kiosk-Session resolver other kiosk calls use."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, jsonify
from flask_babel import gettext as _

from .. import ratelimit
from ..errors import ApiError
from ..residents import identity
from . import clock, config, device_required, json_body, kiosk_api


def session_resolver(token: str, device):
    """(token, device) -> the live KioskSession (it has .resident_id); 401 invalid_session otherwise."""
    return identity.resolve_session(token, device, current_app.extensions["clock"])


@kiosk_api.record_once
def _install_resolver(state) -> None:
    state.app.extensions["kiosk_session_resolver"] = session_resolver


@kiosk_api.post("/identify")
@device_required
def identify():
    """Identify the resident at this kiosk by a scan, or by NIK and PIN."""
    cfg = config()
    if not ratelimit.hit(f"identify:{g.device.id}", cfg.identify_per_minute, timedelta(minutes=1),
                         clock().utcnow()):
        raise ApiError(429, "too_many_requests", _("Terlalu banyak percobaan dari anjungan ini. Tunggu sebentar."))
    body = json_body()
    if "scan" in body:
        if not isinstance(body["scan"], str) or set(body) - {"scan"}:
            raise ApiError(400, "invalid_body", _("Kirim {\"scan\": teks} atau {\"nik\", \"pin\"}."))
        found = identity.identify_scan(body["scan"], g.device, cfg, clock())
    elif "nik" in body and "pin" in body and not set(body) - {"nik", "pin"}:
        found = identity.identify_pin(body["nik"], body["pin"], g.device, cfg, clock(),
                                      current_app.config["SECRET_KEY"])
    else:
        raise ApiError(400, "invalid_body", _("Kirim {\"scan\": teks} atau {\"nik\", \"pin\"}."))
    return jsonify(found.to_json())
