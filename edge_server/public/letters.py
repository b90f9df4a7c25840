"""Public letter pages (no login): /s/<token>, a request's status; /verifikasi/<code>, an issued letter's
authenticity. Neither shows a NIK or a full name: only the masked name."""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import gettext as _

from anjungan_core.calendar_words import indonesian_date, zone_label
from anjungan_core.nik import mask_name

from ..letters import rules
from ..letters import service as letters
from ..models import LetterRequest
from .views import not_found_page, public

STEPS = (rules.INCOMPLETE, rules.CHECKING, rules.AWAITING_SIGNATURE, rules.READY, rules.PICKED_UP)


def _clock():
    return current_app.extensions["clock"]


def _private(response):
    response = current_app.make_response(response)
    response.cache_control.no_store = True
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is the only key to the page
    return response


@public.get("/s/<token>")
def letter_status(token: str):
    """A letter request's status for the resident's phone: reference, letter, where it stands."""
    letter = LetterRequest.get_or_none(LetterRequest.track_token == token[:64])
    if letter is None:
        return not_found_page(_("Permohonan surat ini tidak ditemukan. Periksa kembali kode QR pada tanda terima."))
    created = _clock().local(letter.created_at)
    steps = [(s, letters.status_label(s), s <= letter.status) for s in STEPS]
    return _private(render_template(
        "public/letter_status.html", letter=letter, type_name=letter.letter_type.name,
        status_label=letters.status_label(letter.status), cancelled=letter.status == rules.CANCELLED,
        steps=steps, created=f"{indonesian_date(created.date())} {created:%H:%M} {zone_label(created)}",
        name_masked=mask_name(letter.resident.name),
        requirements=letters.to_bring(letter)))  # what staff have not ticked yet, while it is being checked


@public.get("/verifikasi/<code>")
def verify_letter(code: str):
    """Is this letter genuine? Its number, type, date, village and the masked name; 404 when unknown."""
    letter = LetterRequest.get_or_none(LetterRequest.verification_code == code[:64])
    if letter is None or letter.letter_number is None:
        return _private(render_template("public/verify.html", letter=None)), 404
    profile = letters.village()
    issued = _clock().local(letter.numbered_at).date()
    return _private(render_template(
        "public/verify.html", letter=letter, type_name=letter.letter_type.name,
        issued=indonesian_date(issued), name_masked=mask_name(letter.resident.name),
        village=profile, cancelled=letter.status == rules.CANCELLED))
