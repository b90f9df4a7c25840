"""Village information for the kiosk's information screen: profile, officials, contacts, announcements,
office hours and holidays (docs/info-api.md)."""
from __future__ import annotations

from flask import current_app, jsonify, url_for
from peewee import fn

from ..clock import to_iso
from ..info import announcements as notices
from ..info import images, profile
from ..info import schedule as office_hours
from ..models import Announcement, AnnouncementImage, Service, VillageProfile
from . import clock, device_required, kiosk_api


def active_announcements(audience: str, now) -> list[Announcement]:
    """Announcements live now for `audience` ("kiosk" or "board"), newest first."""
    return list(Announcement.select().where(
        (Announcement.active == True)  # noqa: E712
        & (Announcement.audience.in_([audience, "both"]))
        & ((Announcement.starts.is_null()) | (Announcement.starts <= now))
        & ((Announcement.ends.is_null()) | (Announcement.ends > now)))
        .order_by(fn.COALESCE(Announcement.starts, now).desc(), Announcement.id.desc()))


def announcement_image_url(image: AnnouncementImage | None, width: int | None = None) -> str | None:
    """An absolute URL of an announcement's picture that needs no token (the board's browser loads it too)."""
    if image is None:
        return None
    sig = images.media_signature(current_app.secret_key, "announcement", image.announcement_id)
    params = {"w": width} if width else {}
    return url_for("kiosk_api.announcement_image", announcement_id=image.announcement_id, sig=sig,
                   v=image.filename.rsplit("-", 1)[-1].removesuffix(".jpg"), _external=True, **params)


def announcement_json(a: Announcement, image: AnnouncementImage | None = None) -> dict:
    return {"id": a.id, "title": a.title, "body": a.body, "starts": to_iso(a.starts), "ends": to_iso(a.ends),
            "source": a.source, "audience": a.audience, "image_url": announcement_image_url(image),
            "image_width": image.width if image else None, "image_height": image.height if image else None}


@kiosk_api.get("/info")
@device_required
def info():
    """The village profile, officials, contacts, the announcements for kiosks and each service's hours."""
    village = VillageProfile.select().first()
    now = clock().utcnow()
    live = active_announcements("kiosk", now)
    pictures = notices.images_for([a.id for a in live])
    statuses = office_hours.statuses(clock())
    schedules = office_hours.load_schedules(clock().zone, clock().business_date())
    return jsonify({
        "village": {"code": village.code, "name": village.name, "kecamatan": village.kecamatan,
                    "kabupaten": village.kabupaten, "province": village.province, "address": village.address,
                    "postcode": village.postcode, "phone": village.phone,
                    "head_name": village.head_name, "head_title": village.head_title} if village else {},
        "officials": profile.officials_json(),
        "contacts": profile.contacts_json(),
        "announcements": [announcement_json(a, pictures.get(a.id)) for a in live],
        "office_hours": [office_hours.hours_json(s, schedules[s.id], statuses[s.id])
                         for s in Service.select().order_by(Service.sort_order, Service.code)],
        "holidays": office_hours.upcoming_holidays(clock().business_date()),
    })
