"""Village information for the kiosk's information screen: profile, announcements, office hours."""
from __future__ import annotations

import json

from flask import jsonify
from peewee import fn

from ..clock import to_iso
from ..models import Announcement, Service, VillageProfile
from . import clock, device_required, kiosk_api

DEFAULT_HOURS = {"days": "Senin-Jumat", "open": "08:00", "close": "15:00"}


def active_announcements(audience: str, now) -> list[Announcement]:
    """Announcements live now for `audience` ("kiosk" or "board"), newest first."""
    return list(Announcement.select().where(
        (Announcement.active == True)  # noqa: E712
        & (Announcement.audience.in_([audience, "both"]))
        & ((Announcement.starts.is_null()) | (Announcement.starts <= now))
        & ((Announcement.ends.is_null()) | (Announcement.ends > now)))
        .order_by(fn.COALESCE(Announcement.starts, now).desc(), Announcement.id.desc()))


def announcement_json(a: Announcement) -> dict:
    return {"id": a.id, "title": a.title, "body": a.body, "starts": to_iso(a.starts), "ends": to_iso(a.ends),
            "source": a.source}


@kiosk_api.get("/info")
@device_required
def info():
    """The village profile, the announcements for kiosks and each service's office hours."""
    village = VillageProfile.select().first()
    settings = json.loads(village.settings or "{}") if village else {}
    hours = settings.get("office_hours", {})
    now = clock().utcnow()
    return jsonify({
        "village": {"code": village.code, "name": village.name, "kecamatan": village.kecamatan,
                    "kabupaten": village.kabupaten, "address": village.address, "phone": village.phone,
                    "head_name": village.head_name, "head_title": village.head_title} if village else {},
        "announcements": [announcement_json(a) for a in active_announcements("kiosk", now)],
        "office_hours": [{"service": s.code, "name": s.name, **{**DEFAULT_HOURS, **hours.get(s.code, {})},
                          "open_now": bool(s.is_open)}
                         for s in Service.select().order_by(Service.sort_order, Service.code)],
    })
