"""Village media for kiosks and the board: public cameras, take-home links, and the pictures behind them.

`/cameras` and `/links` need the device token like the rest of the API. The pictures (`/media/...`) do not,
so the TV board's browser can show them in an <img>: their URLs carry an HMAC of what they show, so they
cannot be guessed, and they serve only the edge's own cached copy, never the camera.
"""
from __future__ import annotations

from flask import current_app, jsonify, request, send_file, url_for
from flask_babel import gettext as _

from anjungan_core.calendar_words import zone_label

from ..clock import to_iso
from ..errors import ApiError
from ..info import announcements as notices
from ..info import cameras as camera_cache
from ..info import images, links
from ..info.hours import local_time
from ..models import AnnouncementImage, Camera, Link
from . import clock, config, device_required, kiosk_api

CACHE_SECONDS = 10


def _media_url(endpoint: str, kind: str, ident: int, **params) -> str:
    sig = images.media_signature(current_app.secret_key, kind, ident)
    return url_for(endpoint, sig=sig, _external=True, **params, **{f"{kind}_id": ident})


def camera_json(camera: Camera, now) -> dict:
    """What a kiosk shows for a camera; a dead one keeps its last picture and says since when."""
    available = camera_cache.is_available(camera, now)
    has_image = camera.last_image_at is not None
    message = None
    if not available:
        if has_image:
            shown = local_time(camera.last_image_at, clock().zone)
            message = _("Kamera tidak tersedia. Gambar terakhir %(day)s pukul %(time)s.",
                        day=shown.strftime("%d/%m"), time=f"{shown:%H.%M} {zone_label(shown)}")
        else:
            message = _("Kamera tidak tersedia.")
    return {
        "id": camera.id, "name": camera.name, "location": camera.location,
        "image_url": _media_url("kiosk_api.camera_image", "camera", camera.id,
                                v=camera.last_image_at.strftime("%Y%m%d%H%M%S")) if has_image else None,
        "updated_at": to_iso(camera.last_image_at),
        "available": available,
        "status_label": _("Langsung") if available else _("Tidak tersedia"),
        "message": message,
    }


@kiosk_api.get("/cameras")
@device_required
def cameras():
    """Active public cameras with the edge's cached picture of each."""
    now = clock().utcnow()
    rows = Camera.select().where(Camera.active == True).order_by(Camera.sort_order, Camera.id)  # noqa: E712
    return jsonify({"cameras": [camera_json(c, now) for c in rows]})


def link_json(link: Link) -> dict:
    return {"id": link.id, "title": link.title, "url": link.url, "description": link.description,
            "qr_svg": links.qr_svg(link.url),
            "qr_png_url": _media_url("kiosk_api.link_qr", "link", link.id),
            "receipt": links.receipt_lines(link.title, link.url, link.description)}


@kiosk_api.get("/links")
@device_required
def take_home_links():
    """Links residents can scan or print: title, URL, QR code as SVG and as a PNG URL, receipt data."""
    rows = Link.select().where(Link.active == True).order_by(Link.sort_order, Link.id)  # noqa: E712
    return jsonify({"links": [link_json(link) for link in rows]})


def _check(kind: str, ident: int, sig: str) -> None:
    if not images.signature_ok(current_app.secret_key, kind, ident, sig):
        raise ApiError(404, "not_found", _("Gambar tidak ditemukan."))


def _jpeg(path, max_age: int = CACHE_SECONDS):
    response = send_file(path, mimetype="image/jpeg", max_age=max_age, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@kiosk_api.get("/media/cameras/<int:camera_id>/<sig>.jpg")
def camera_image(camera_id: int, sig: str):
    """The last good picture of a camera, from the edge's cache (no token: signed URL)."""
    _check("camera", camera_id, sig)
    path = camera_cache.image_path(config().data_dir, camera_id)
    if Camera.get_or_none(Camera.id == camera_id) is None or not path.exists():
        raise ApiError(404, "not_found", _("Gambar tidak ditemukan."))
    return _jpeg(images.resized(path, images.pick_width(request.args.get("w", type=int))))


@kiosk_api.get("/media/announcements/<int:announcement_id>/<sig>.jpg")
def announcement_image(announcement_id: int, sig: str):
    """An announcement's picture, resized to `?w=` (snapped up to a few fixed widths)."""
    _check("announcement", announcement_id, sig)
    row = AnnouncementImage.get_or_none(AnnouncementImage.announcement == announcement_id)
    path = notices.image_dir(config().data_dir) / row.filename if row else None
    if path is None or not path.exists():
        raise ApiError(404, "not_found", _("Gambar tidak ditemukan."))
    return _jpeg(images.resized(path, images.pick_width(request.args.get("w", type=int))), max_age=3600)


@kiosk_api.get("/media/links/<int:link_id>/<sig>.png")
def link_qr(link_id: int, sig: str):
    """A link's QR code as PNG (`?scale=` 2-16 pixels a module)."""
    _check("link", link_id, sig)
    link = Link.get_or_none(Link.id == link_id)
    if link is None:
        raise ApiError(404, "not_found", _("Gambar tidak ditemukan."))
    scale = min(16, max(2, request.args.get("scale", default=8, type=int)))
    response = current_app.response_class(links.qr_png(link.url, scale=scale), mimetype="image/png")
    response.headers["Cache-Control"] = "max-age=300"
    return response
