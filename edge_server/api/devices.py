"""Health, pairing and heartbeats."""
from __future__ import annotations

from datetime import timedelta

from flask import g, jsonify, request
from flask_babel import gettext as _

from anjungan_core.version import running_version

from .. import ratelimit
from ..clock import to_iso
from ..devices import check_pairing_code, pair, record_heartbeat
from ..errors import ApiError
from ..inputs import clean_text, is_ascii_text
from ..models import VillageProfile
from . import clock, device_required, json_body, kiosk_api

PAIR_TRIES_PER_10_MIN = 10


@kiosk_api.get("/health")
def health():
    """Liveness and which village this is."""
    village = VillageProfile.select().first()
    verdict = clock().verdict
    return jsonify({"status": "ok", "version": running_version(),
                    "village": {"code": village.code if village else "", "name": village.name if village else "",
                                "timezone": clock().zone.key},
                    "clock": {"trusted": verdict.trusted, "source": verdict.source, "reason": verdict.reason,
                              "now": clock().now().isoformat(timespec="seconds")}})


@kiosk_api.post("/devices/pair")
def pair_device():
    """Exchange a one-time pairing code for a device token."""
    now = clock().utcnow()
    key = f"pair:{request.remote_addr}"
    body = json_body()
    code, name = body.get("code"), body.get("name", "Kiosk")
    if not is_ascii_text(code, 40) or not code.strip():
        raise ApiError(400, "invalid_body", _("Kode pemasangan wajib diisi."))
    if clean_text(name, 80) is None or not name.strip():
        raise ApiError(400, "invalid_body", _("Nama perangkat wajib, paling panjang 80 huruf."))
    # Counted before the code is looked at, so parallel guesses cannot all be checked before the first counts.
    if not ratelimit.hit(key, PAIR_TRIES_PER_10_MIN, timedelta(minutes=10), now):
        raise ApiError(429, "too_many_tries", _("Terlalu banyak percobaan. Tunggu 10 menit."))
    device, token = pair(code.strip(), name.strip(), now)
    ratelimit.refund(key)  # a right code is no guess
    return jsonify({"token": token, "device": {"id": device.id, "name": device.name, "kind": device.kind}}), 201


@kiosk_api.post("/devices/pair/check")
def check_pair_code():
    """Whether a pairing code would pair now, and until when; the code stays unused (a technician's dry run).
    Wrong tries count against the same limit as pairing, so codes cannot be probed here either."""
    now = clock().utcnow()
    key = f"pair:{request.remote_addr}"
    if ratelimit.blocked(key, PAIR_TRIES_PER_10_MIN, timedelta(minutes=10), now):
        raise ApiError(429, "too_many_tries", _("Terlalu banyak percobaan. Tunggu 10 menit."))
    code = json_body().get("code")
    if not isinstance(code, str) or not code.strip():
        raise ApiError(400, "invalid_body", _("Kode pemasangan wajib diisi."))
    try:
        row = check_pairing_code(code.strip(), now)
    except ApiError:
        ratelimit.hit(key, PAIR_TRIES_PER_10_MIN, timedelta(minutes=10), now)
        raise
    return jsonify({"valid": True, "kind": row.kind, "expires_at": to_iso(row.expires_at)})


@kiosk_api.post("/devices/heartbeat")
@device_required
def heartbeat():
    """A kiosk reports its version, printer and scanner."""
    status = record_heartbeat(g.device, json_body(), clock().utcnow())
    return jsonify({"status": "ok", **status, "server_time": clock().now().isoformat(timespec="seconds")})
