"""The hub's public pages: /t/<token> a ticket, /s/<token> a letter request, /verifikasi/<code> an issued letter.

No login, no JavaScript, no cookies of their own; Indonesian first (`?lang=en` for English). Tokens are looked up
by their digest, one indexed query, and an unknown one answers the same 404 page as a malformed one.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import re
from datetime import datetime, timezone

from flask import Blueprint, current_app, render_template, request
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _

from anjungan_core import wait_estimate

from ..clock import clock
from ..models import Village
from . import estimate
from .models import PublicLetter, PublicTicket
from .ratelimit import PerMinute

public = Blueprint("public", __name__)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
LETTER_STEPS = (0, 1, 2, 3, 4)
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; " \
      "frame-ancestors 'none'"


def token_digest(token: str) -> str:
    """The edge's digest of a public token (edge_server/sync/public_links.py): base64url SHA-256."""
    return base64.urlsafe_b64encode(hashlib.sha256(token.encode("utf-8")).digest()).rstrip(b"=").decode("ascii")


def _cfg():
    return current_app.extensions["district_config"]


def localized(view):
    """Run the whole view in the page's language, so words made before rendering are translated too."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with force_locale(_lang()):
            return view(*args, **kwargs)

    return wrapper


def client_address() -> str:
    """The phone's address: behind `public_proxy_hops` reverse proxies, the X-Forwarded-For entry they added
    (entries further left are whatever the client wrote, so they are never trusted)."""
    hops = _cfg().public_proxy_hops
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    if hops > 0 and forwarded:
        return forwarded[-min(hops, len(forwarded))]
    return request.remote_addr or "?"


@public.before_request
@localized
def _rate_limit():
    limiter = current_app.extensions.setdefault("public_rate_limit", PerMinute(_cfg().public_per_minute))
    if not limiter.allow(client_address()):
        response = _page("public/message.html", 429, title=_("Terlalu banyak permintaan"),
                         message=_("Terlalu banyak permintaan dari jaringan Anda. Coba lagi sebentar lagi."))
        response.headers["Retry-After"] = "60"
        return response
    return None


def _lang() -> str:
    return "en" if request.args.get("lang") == "en" else "id"


def _page(template: str, status: int = 200, **context):
    html = render_template(template, lang=_lang(), format_date=format_date, **context)
    response = current_app.make_response((html, status))
    response.cache_control.no_store = True
    response.headers.update({"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex",
                             "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"})
    return response


def _lookup(model, column: str, token: str):
    """The row whose digest matches; the digest is computed for any token so every miss costs the same."""
    digest = token_digest(token[:64])
    row = model.get_or_none(getattr(model, column) == digest)
    return row if _TOKEN.match(token) else None


def _not_found(message: str):
    return _page("public/message.html", 404, title=_("Tidak ditemukan"), message=message)


def _updated(village: Village | None) -> dict:
    """'diperbarui N detik lalu', and an honest note when the village has not reached the hub for a while."""
    cfg = _cfg()
    fresh = estimate.freshness(village.last_seen if village else None, clock().utcnow(), cfg.public_stale_seconds)
    if fresh.seconds is None:
        return {"updated": None, "stale": True, "stale_since": None}
    seconds = fresh.seconds
    if seconds < 120:
        words = ngettext("diperbarui %(num)d detik lalu", "diperbarui %(num)d detik lalu", seconds)
    elif seconds < 120 * 60:
        words = ngettext("diperbarui %(num)d menit lalu", "diperbarui %(num)d menit lalu", seconds // 60)
    else:
        words = ngettext("diperbarui %(num)d jam lalu", "diperbarui %(num)d jam lalu", seconds // 3600)
    since = village.last_seen.replace(tzinfo=timezone.utc).astimezone(cfg.zone)
    return {"updated": words, "stale": fresh.stale, "stale_since": f"{since:%H:%M}"}


def ticket_status_label(status: str, counter: int | None) -> str:
    if status == "called":
        return _("Dipanggil, silakan menuju loket %(n)s", n=counter) if counter else _("Dipanggil")
    return {"waiting": _("Menunggu giliran"), "serving": _("Sedang dilayani"), "done": _("Selesai dilayani"),
            "no_show": _("Tidak hadir saat dipanggil"), "cancelled": _("Dibatalkan")}.get(status, status)


def _waiting(ticket: PublicTicket) -> estimate.Waiting:
    # A ticket whose `ticket.issued` has not arrived yet (a reordered batch) sorts last until it does.
    return estimate.Waiting(ticket.ticket_id, ticket.priority, ticket.issued_at or datetime.max,
                            ticket.issued_seq or 2 ** 62)


def _ticket_numbers(ticket: PublicTicket) -> tuple[int, int]:
    """(position, estimated wait in minutes) from the synced events of the ticket's village, day and service."""
    same_queue = ((PublicTicket.village == ticket.village) & (PublicTicket.business_date == ticket.business_date)
                  & (PublicTicket.service == ticket.service))
    waiting = [_waiting(t) for t in PublicTicket.select(PublicTicket.ticket_id, PublicTicket.priority,
                                                        PublicTicket.issued_at, PublicTicket.issued_seq)
               .where(same_queue & (PublicTicket.status == "waiting"))]
    me = _waiting(ticket)
    ahead = estimate.position(me, waiting)
    recent = [t.service_seconds for t in PublicTicket.select(PublicTicket.service_seconds)
              .where((PublicTicket.village == ticket.village) & (PublicTicket.service == ticket.service)
                     & (PublicTicket.service_seconds.is_null(False)))
              .order_by(PublicTicket.status_at.desc()).limit(wait_estimate.RECENT_DONE)]
    counters = (PublicTicket.select(PublicTicket.counter).distinct()
                .where(same_queue & PublicTicket.counter.is_null(False)).count())
    avg = wait_estimate.average_minutes(recent, _cfg().public_service_minutes)
    return ahead, wait_estimate.wait_minutes(ahead, avg, counters)


@public.get("/t/<token>")
@localized
def ticket(token: str):
    """A queue ticket on any phone: number, service, status, how many are ahead, the wait, how fresh."""
    row = _lookup(PublicTicket, "track_hash", token)
    if row is None:
        return _not_found(_("Tiket ini tidak ditemukan. Periksa kembali kode QR pada karcis Anda. Tiket yang "
                            "baru diambil muncul di sini setelah desa mengirim data, biasanya dalam satu menit."))
    village = Village.get_or_none(Village.code == row.village)
    ahead, wait = _ticket_numbers(row) if row.status == "waiting" else (0, 0)
    today = clock().business_date()
    return _page("public/ticket.html", t=row, village=village, ahead=ahead, wait=wait,
                 status_label=ticket_status_label(row.status, row.counter),
                 other_day=row.business_date != today, open=row.status in ("waiting", "called", "serving"),
                 **_updated(village))


def letter_status_label(status: int) -> str:
    return {0: _("belum lengkap"), 1: _("sedang diperiksa"), 2: _("menunggu tanda tangan"), 3: _("siap diambil"),
            4: _("sudah diambil"), 5: _("dibatalkan")}.get(status, str(status))


@public.get("/s/<token>")
@localized
def letter_request(token: str):
    """A letter request's progress: reference, letter type, where it stands ("sedang diperiksa", "siap diambil")."""
    row = _lookup(PublicLetter, "track_hash", token)
    if row is None:
        return _not_found(_("Permohonan surat ini tidak ditemukan. Periksa kembali kode QR pada tanda terima."))
    village = Village.get_or_none(Village.code == row.village)
    steps = [(letter_status_label(s), s <= row.status) for s in LETTER_STEPS]
    return _page("public/letter.html", letter=row, village=village, steps=steps,
                 status_label=letter_status_label(row.status), cancelled=row.status == 5, **_updated(village))


@public.get("/verifikasi/<code>")
@localized
def verify(code: str):
    """Is this letter genuine? Village, type, number, date, valid until, valid or cancelled, the masked name."""
    row = _lookup(PublicLetter, "verification_hash", code)
    if row is None or not row.letter_number:
        return _page("public/verify.html", 404, letter=None, village=None)
    village = Village.get_or_none(Village.code == row.village)
    today = clock().business_date()
    expired = row.valid_until is not None and row.valid_until < today
    return _page("public/verify.html", letter=row, village=village, cancelled=row.verification_status == "cancelled",
                 expired=expired, **_updated(village))
