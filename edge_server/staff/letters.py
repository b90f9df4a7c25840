"""Staff side of letters: the inbox by status, a request page (resident, fields, documents, status buttons),
the JSON status move, the printable letter (A4/F4) and its PDF."""
from __future__ import annotations

from flask import Response, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import force_locale, lazy_gettext
from flask_babel import gettext as _

from ..errors import ApiError
from ..inputs import bounded_int, json_object
from ..letters import document, register, rules
from ..letters import service as letters
from ..models import LetterType, Resident
from ..residents import privacy
from . import dates
from .auth import login_required
from .blueprint import staff

# Button text for each target status on the request page.
MOVE_LABELS = {
    rules.CHECKING: "Periksa berkas",
    rules.AWAITING_SIGNATURE: "Setujui (beri nomor, minta tanda tangan)",
    rules.READY: "Siap diambil",
    rules.PICKED_UP: "Sudah diambil",
    rules.CANCELLED: "Batalkan",
}

HISTORY_LABELS = {
    "letter.create": lazy_gettext("Dibuat di loket"),
    "letter.status": lazy_gettext("Status diubah"),
    "letter.checklist": lazy_gettext("Dokumen diperiksa"),
    "letter.fields": lazy_gettext("Isian diubah"),
    "letter.correct": lazy_gettext("Status dikoreksi"),
    "letter.signer": lazy_gettext("Penandatangan"),
}


def _readable(detail: str) -> str:
    """An audit detail "1->2 S-41/001/..." with the statuses named: "sedang diperiksa → menunggu tanda tangan ..."."""
    move, _sep, rest = detail.partition(" ")
    before, arrow, after = move.partition("->")
    if arrow and before.isdigit() and after.isdigit() and {int(before), int(after)} <= set(rules.STATUSES):
        return f"{letters.status_label(int(before))} → {letters.status_label(int(after))} {rest}".strip()
    return detail


def _clock():
    return current_app.extensions["clock"]


def _cfg():
    return current_app.extensions["edge_config"]


def _local(naive_utc) -> str:
    """A stored UTC time as the village's local date and time in words, for the console."""
    return dates.local_words(naive_utc, _clock())


def _actor() -> str:
    return g.staff_user.username


def _status_filter() -> int | None:
    text = request.args.get("status", "")
    number = bounded_int(text, 0, 99)
    return number if number in rules.STATUSES else None


@staff.get("/letters")
@login_required
def letters_inbox():
    """Letter requests by status, with a count for each status."""
    status = _status_filter()
    counts = letters.status_counts()
    rows = letters.requests_with_status(status)
    if status is None:
        rows = [r for r in rows if r.status in rules.OPEN_STATUSES]
    tabs = [(s, letters.status_label(s), counts[s]) for s in rules.STATUSES]
    return render_template("staff/letters.html", rows=rows, tabs=tabs, status=status,
                           open_count=sum(counts[s] for s in rules.OPEN_STATUSES),
                           label=letters.status_label, local=_local)


@staff.route("/letters/<letter_id>", methods=["GET", "POST"])
@login_required
def letter_detail(letter_id: str):
    """One request: the resident, the fields (editable), the documents to check, the status buttons."""
    try:
        letter = letters.get_letter(letter_id)
    except ApiError as exc:
        return render_template("staff/message.html", message=exc.message), 404
    if request.method == "POST":
        values = {f["name"]: request.form.get(f"field_{f['name']}", "")
                  for f in letters.type_fields(letter.letter_type)}
        try:
            letters.update_fields(letter.id, values, clock=_clock(), actor=_actor())
            flash(_("Isian surat disimpan."))
        except ApiError as exc:
            flash(exc.message)
        return redirect(url_for("staff.letter_detail", letter_id=letter.id))
    step = rules.next_status(letter.status)
    privacy.log_view(letter.resident_id, _actor(), _clock().utcnow(), f"letter {letter.reference}")
    return render_template(
        "staff/letter.html", letter=letter, resident=letter.resident, values=letters.field_values(letter),
        fields=letters.type_fields(letter.letter_type),
        requirements=letters.type_requirements(letter.letter_type), checked=set(letters.checklist(letter)),
        step=step, step_label=_(MOVE_LABELS[step]) if step else "",
        numbers=step is not None and rules.needs_number(step, letter.letter_number),
        approves=step is not None and rules.approves(letter.status, step),
        can_cancel=rules.can_move(letter.status, rules.CANCELLED), cancel_label=_(MOVE_LABELS[rules.CANCELLED]),
        corrections=[(s, letters.status_label(s)) for s in rules.STATUSES if rules.can_correct(letter.status, s)],
        history=[(_local(row.at), row.actor, str(HISTORY_LABELS.get(row.action, row.action)), _readable(row.detail))
                 for row in letters.history(letter)],
        status_label=letters.status_label(letter.status), created=_local(letter.created_at))


@staff.post("/api/letters/<letter_id>/status")
@login_required
def letter_status(letter_id: str):
    """Move a request to status 1-5 (JSON {"status": n}); numbering happens on reaching 2 or later."""
    body = json_object()
    letter = letters.change_status(letter_id, body.get("status"), clock=_clock(), actor=_actor(),
                                   checked=body.get("checklist"), reason=body.get("reason"))
    register.record_signer(letter, _clock().utcnow(), _actor())
    return jsonify({"letter": letters.letter_json(letter, _cfg().public_pages_url())})


def _json_body() -> dict:
    body = request.get_json(silent=True, force=True) if request.data else None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", _("Badan permintaan harus sebuah objek JSON."))
    return body


@staff.post("/api/letters/<letter_id>/checklist")
@login_required
def letter_checklist(letter_id: str):
    """Save the ticked documents (JSON {"checklist": ["Fotokopi KK", ...]}); each change is audited."""
    letter = letters.save_checklist(letter_id, _json_body().get("checklist"), clock=_clock(), actor=_actor())
    return jsonify({"letter": letters.letter_json(letter, _cfg().base_url()), "checklist": letters.checklist(letter)})


@staff.post("/api/letters/<letter_id>/correct")
@login_required(admin=True)
def letter_correct(letter_id: str):
    """An admin puts a mistaken status back (JSON {"status": n, "reason": "..."})."""
    body = _json_body()
    letter = letters.correct_status(letter_id, body.get("status"), body.get("reason"), clock=_clock(),
                                    actor=_actor())
    return jsonify({"letter": letters.letter_json(letter, _cfg().base_url())})


def _print_html(letter, chosen: document.Paper, for_pdf: bool) -> str:
    # An official letter is always in Indonesian, whatever language the console is in.
    with force_locale("id"):
        context = document.letter_context(letter, _clock(), _cfg().public_pages_url(), chosen,
                                          document.logo_data_uri(_cfg().data_dir))
        return render_template("staff/letter_print.html", letter=letter, for_pdf=for_pdf, **context)


def _viewed_letter(letter_id: str, what: str):
    """The letter, its view written to the resident's access log; None for an unknown id."""
    try:
        letter = letters.get_letter(letter_id)
    except ApiError:
        return None
    privacy.log_view(letter.resident_id, _actor(), _clock().utcnow(), f"{what} {letter.reference}")
    return letter


@staff.get("/letters/<letter_id>/print")
@login_required
def letter_print(letter_id: str):
    """The printable letter (?paper=a4|f4) with its number and a QR code of the verification page."""
    letter = _viewed_letter(letter_id, "letter print")
    if letter is None:
        return render_template("staff/message.html", message=_("Permohonan surat tidak ditemukan.")), 404
    return _print_html(letter, document.paper(request.args.get("paper")), for_pdf=False)


@staff.get("/letters/<letter_id>/pdf")
@login_required
def letter_pdf(letter_id: str):
    """The same letter as a PDF, printed by headless Chromium."""
    letter = _viewed_letter(letter_id, "letter pdf")
    if letter is None:
        return render_template("staff/message.html", message=_("Permohonan surat tidak ditemukan.")), 404
    chosen = document.paper(request.args.get("paper"))
    try:
        pdf = document.render_pdf(_print_html(letter, chosen, for_pdf=True))
    except document.PdfUnavailable:
        return render_template("staff/message.html", message=_(
            "PDF tidak bisa dibuat di server ini. Gunakan tombol Cetak lalu pilih 'Simpan sebagai PDF'.")), 503
    name = (letter.letter_number or letter.reference).replace("/", "-")
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}-{chosen.name}.pdf"'})


@staff.get("/residents/<int:resident_id>/letters/new")
@login_required
def letter_new_for_resident(resident_id: int):
    """The counter form for one letter type (staff-only types too): its fields and the documents to check."""
    resident = Resident.get_or_none(Resident.id == resident_id)
    if resident is None:
        return redirect(url_for("staff.residents_list"))
    try:
        letter_type = letters.get_type(request.args.get("type", ""), self_service=False)
    except ApiError as exc:
        flash(exc.message)
        return redirect(url_for("staff.resident_detail", resident_id=resident.id))
    privacy.log_view(resident.id, _actor(), _clock().utcnow(), f"letter form {letter_type.code}")
    return render_template("staff/letter_new.html", resident=resident, letter_type=letter_type,
                           fields=letters.type_fields(letter_type),
                           requirements=letters.type_requirements(letter_type))


@staff.post("/residents/<int:resident_id>/letters")
@login_required
def letter_for_resident(resident_id: int):
    """Staff open a request for a resident at the counter (any active type; fields may be left for later)."""
    resident = Resident.get_or_none(Resident.id == resident_id)
    if resident is None:
        return redirect(url_for("staff.residents_list"))
    values = {key[len("field_"):]: value for key, value in request.form.items() if key.startswith("field_")}
    try:
        letter = letters.create_request(resident, request.form.get("type", ""), values, clock=_clock(),
                                        source="counter", actor=_actor())
    except ApiError as exc:
        flash(exc.message)
        return redirect(url_for("staff.resident_detail", resident_id=resident.id))
    flash(_("Permohonan %(ref)s dibuat.", ref=letter.reference))
    return redirect(url_for("staff.letter_detail", letter_id=letter.id))


def all_types() -> list[LetterType]:
    return list(LetterType.select().where(LetterType.active == True)  # noqa: E712
                .order_by(LetterType.sort_order, LetterType.code))


def init_app(app) -> None:
    """Menu entries for letters (the routes are on the staff blueprint already)."""
    from . import register_nav

    register_nav(app, "staff.letters_inbox", lazy_gettext("Surat"))
    register_nav(app, "staff.letter_types", lazy_gettext("Jenis surat"), admin=True)

