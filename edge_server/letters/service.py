"""Letter requests against the database: each write opens its own BEGIN IMMEDIATE transaction and records
its outbox event inside it. Numbers come from `LetterSequence` under the write lock, backed by unique indexes."""
from __future__ import annotations

import json
import logging
import secrets
import uuid

from flask_babel import gettext as _
from peewee import fn

from ..clock import Clock, to_iso
from ..db import write_transaction
from ..errors import ApiError
from ..models import AuditLog, LetterRequest, LetterSequence, LetterType, Resident, VillageProfile
from ..sync.outbox import record_event
from ..sync.public_links import token_digest, verification_data
from . import checklist as documents
from . import rules
from .catalog import COMMON_PURPOSES, DESCRIPTIONS

log = logging.getLogger(__name__)
DEFAULT_SETTINGS = {"letter_counter": rules.COUNTER_PER_TYPE, "letter_number_format": rules.DEFAULT_NUMBER_FORMAT,
                    "letter_pickup_service": ""}
FIELD_PROBLEMS = {"required": "wajib diisi", "unknown": "tidak dikenal", "not_text": "harus berupa teks",
                  "too_long": "terlalu panjang"}


def _token() -> str:
    return secrets.token_urlsafe(18)  # 144 random bits


def village() -> VillageProfile | None:
    return VillageProfile.select().first()


def settings(profile: VillageProfile | None = None) -> dict:
    """The village's letter options (VillageProfile.settings JSON) over their defaults."""
    profile = profile or village()
    try:
        stored = json.loads(profile.settings or "{}") if profile else {}
    except ValueError:
        stored = {}
    return {**DEFAULT_SETTINGS, **{k: v for k, v in stored.items() if k in DEFAULT_SETTINGS}}


def save_settings(values: dict) -> dict:
    """Merge letter options into the village settings, keeping other areas' keys."""
    with write_transaction():
        profile = village()
        stored = json.loads(profile.settings or "{}")
        stored.update({k: v for k, v in values.items() if k in DEFAULT_SETTINGS})
        VillageProfile.update(settings=json.dumps(stored, ensure_ascii=False)).where(
            VillageProfile.id == profile.id).execute()
    return settings()


def type_fields(letter_type: LetterType) -> list[dict]:
    return json.loads(letter_type.fields or "[]")


def type_requirements(letter_type: LetterType) -> list[str]:
    return json.loads(letter_type.requirements or "[]")


def letter_types_json(self_service_only: bool = True, detail: bool = False) -> list[dict]:
    """The contract's letter-type list for kiosks; `detail` adds each type's one-line description and the
    common purposes as `choices` on "keperluan" (kiosks ask with ?detail=1; the plain shape stays exact)."""
    query = LetterType.select().where(LetterType.active == True)  # noqa: E712
    if self_service_only:
        query = query.where(LetterType.self_service == True)  # noqa: E712
    rows = []
    for t in query.order_by(LetterType.sort_order, LetterType.code):
        row = {"code": t.code, "name": t.name, "fields": [_field_json(f, detail) for f in type_fields(t)],
               "requirements": type_requirements(t)}
        if detail:
            row["description"] = description(t)
        rows.append(row)
    return rows


def description(letter_type: LetterType) -> str:
    """The one line residents read under the name: the admin's, else the catalogue's for that code."""
    return letter_type.description or DESCRIPTIONS.get(letter_type.code, "")


def _field_json(field: dict, detail: bool) -> dict:
    """A field for kiosks; in detail "keperluan" carries the common purposes as one-tap choices."""
    out = {"name": field["name"], "label": field["label"], "required": bool(field.get("required"))}
    if detail and field["name"] == "keperluan":
        out["choices"] = list(COMMON_PURPOSES)
    return out


def status_label(status: int) -> str:
    return _(rules.STATUS_LABELS[status])


def letter_json(letter: LetterRequest, base_url: str, detail: bool = False) -> dict:
    """The contract's letter object L; `detail` adds `to_bring` (documents still to show at the counter)."""
    out = {
        "id": letter.id,
        "reference": letter.reference,
        "type": letter.letter_type.code,
        "type_name": letter.letter_type.name,
        "status": letter.status,
        "status_label": status_label(letter.status),
        "letter_number": letter.letter_number,
        "verification_url": (f"{base_url}/verifikasi/{letter.verification_code}"
                             if letter.verification_code else None),
        "track_url": f"{base_url}/s/{letter.track_token}",
        "created_at": to_iso(letter.created_at),
    }
    if detail:
        out["to_bring"] = to_bring(letter)
    return out


checklist = documents.ticked  # the ticked documents of a request
to_bring = documents.to_bring  # what the resident still has to show at the counter


def field_values(letter: LetterRequest) -> dict[str, str]:
    return json.loads(letter.field_values or "{}")


def _field_error(exc: rules.FieldError, letter_type: LetterType) -> ApiError:
    labels = {f["name"]: f["label"] for f in type_fields(letter_type)}
    parts = [f"{labels.get(p.field, p.field)} {_(FIELD_PROBLEMS[p.problem])}" for p in exc.problems]
    return ApiError(400, "invalid_fields", _("Isian belum benar: %(problems)s", problems="; ".join(parts)),
                    fields={p.field: p.problem for p in exc.problems})


def _next_number(scope: str, period: int) -> int:
    """The next counter value; call under the write lock."""
    seq, _created = LetterSequence.get_or_create(scope=scope, period=period)
    number = seq.last_number + 1
    LetterSequence.update(last_number=number).where(LetterSequence.id == seq.id).execute()
    return number


def get_type(code: object, *, self_service: bool) -> LetterType:
    letter_type = None
    if isinstance(code, str) and code.strip():
        letter_type = LetterType.get_or_none((LetterType.code == code.strip()[:20]) &
                                             (LetterType.active == True))  # noqa: E712
    if letter_type is None or (self_service and not letter_type.self_service):
        raise ApiError(404, "unknown_letter_type", _("Jenis surat %(code)s tidak tersedia.", code=str(code)[:20]))
    return letter_type


def create_request(resident: Resident, type_code: object, values: object, *, clock: Clock, device=None,
                   source: str = "kiosk", actor: str = "") -> LetterRequest:
    """Record a letter request with its field values and a receipt reference.

    :raises ApiError: 404 unknown_letter_type, 400 invalid_fields.
    """
    kiosk = source == "kiosk"
    letter_type = get_type(type_code, self_service=kiosk)
    if not isinstance(values, dict):
        raise ApiError(400, "invalid_body", _("fields harus sebuah objek."))
    try:
        cleaned = rules.clean_fields(type_fields(letter_type), values, allow_missing=not kiosk)
    except rules.FieldError as exc:
        raise _field_error(exc, letter_type) from None
    now = clock.utcnow()
    local_day = clock.business_date()
    with write_transaction():
        serial = _next_number(rules.REFERENCE_SCOPE, rules.reference_period(local_day))
        letter = LetterRequest.create(
            id=str(uuid.uuid4()), reference=rules.format_reference(local_day, serial), resident=resident,
            letter_type=letter_type, field_values=json.dumps(cleaned, ensure_ascii=False),
            status=rules.INCOMPLETE, track_token=_token(), source=source, device=device, created_at=now,
            updated_at=now)
        record_event("letter.requested", local_day, {
            "letter_id": letter.id, "reference": letter.reference, "type": letter_type.code, "source": source,
            "status": letter.status, "type_name": letter_type.name,
            "track_hash": token_digest(letter.track_token)}, now)
        if actor:
            AuditLog.create(at=now, actor=actor, action="letter.create", target=letter.reference,
                            detail=letter_type.code)
    log.info("letter request %s (%s) from %s", letter.reference, letter_type.code, source)
    return letter


def attach_ticket(letter: LetterRequest, clock: Clock, device=None):
    """Take a pickup queue ticket when the village wants one; None when not configured or not possible."""
    code = settings().get("letter_pickup_service") or ""
    if not code:
        return None
    from ..queue import service as queue

    try:
        ticket = queue.issue_ticket(code, clock=clock, device=device, resident_id=letter.resident_id)
    except ApiError as exc:
        log.info("no pickup ticket for %s: %s", letter.reference, exc.code)
        return None
    LetterRequest.update(ticket_id=ticket.id).where(LetterRequest.id == letter.id).execute()
    return ticket


def get_letter(letter_id: str) -> LetterRequest:
    letter = LetterRequest.get_or_none(LetterRequest.id == str(letter_id)[:64])
    if letter is None:
        raise ApiError(404, "unknown_letter", _("Permohonan surat tidak ditemukan."))
    return letter


def save_checklist(letter_id: str, checked: object, *, clock: Clock, actor: str) -> LetterRequest:
    """Staff tick the documents they have seen ("Dokumen yang diperiksa").

    :raises ApiError: 400 invalid_checklist, 404 unknown_letter, 409 letter_closed.
    """
    now = clock.utcnow()
    with write_transaction():
        letter = get_letter(letter_id)
        if letter.status not in rules.OPEN_STATUSES:
            raise ApiError(409, "letter_closed", _("Permohonan ini sudah selesai dan tidak bisa diubah."))
        documents.store(letter, documents.clean(letter.letter_type, checked), now, actor)
    return get_letter(letter.id)


def change_status(letter_id: str, target: object, *, clock: Clock, actor: str, checked: object = None,
                  reason: object = None) -> LetterRequest:
    """Move a request forward (or cancel it); reaching 2 or later gives it its number.

    A forward skip walks through each status in between, each step its own event and audit row, so the
    record reads in DOMAIN.md's order. With `checked` (the ticked documents) the list is saved first and an
    approval (a move through 2) needs every required document or a `reason`; without it the contract's plain
    `{"status": n}` move is kept.

    :raises ApiError: 400 invalid_status/invalid_checklist/invalid_reason, 404 unknown_letter,
        409 invalid_transition/checklist_incomplete.
    """
    if isinstance(target, bool) or not isinstance(target, int) or not 1 <= target <= 5:
        raise ApiError(400, "invalid_status", _("status harus angka 1-5."))
    why = documents.clean_reason(reason)
    now = clock.utcnow()
    local = clock.local()
    with write_transaction():
        letter = get_letter(letter_id)
        try:
            steps = rules.walk(letter.status, target)
        except rules.TransitionError:
            raise ApiError(409, "invalid_transition", _("Status %(old)s tidak bisa diubah menjadi %(new)s.",
                                                        old=status_label(letter.status),
                                                        new=status_label(target))) from None
        approved_with = ""
        if checked is not None:
            ticked = documents.clean(letter.letter_type, checked)
            documents.store(letter, ticked, now, actor)
            missing = rules.missing_documents(type_requirements(letter.letter_type), ticked)
            if rules.approves(letter.status, target):
                if missing and not why:
                    raise ApiError(409, "checklist_incomplete", _(
                        "Dokumen belum lengkap: %(missing)s. Centang dokumennya atau tulis alasannya.",
                        missing=", ".join(missing)), missing=missing)
                approved_with = documents.detail(letter.letter_type, ticked)
        number = letter.letter_number
        current = letter.status
        for step in steps:
            updates = {"status": step, "updated_at": now}
            if rules.needs_number(step, number):
                clock.require_trusted()  # a number carries its year: never from a clock nobody vouches for
                updates.update(_number_for(letter.letter_type, local, now))
                number = updates["letter_number"]
            LetterRequest.update(**updates).where(LetterRequest.id == letter.id).execute()
            record_event("letter.status_changed", local.date(), {
                "letter_id": letter.id, "type": letter.letter_type.code, "from": current, "to": step,
                "letter_number": number}, now)
            notes = [f"{current}->{step}", updates.get("letter_number", "")]
            if step == rules.AWAITING_SIGNATURE and approved_with:
                notes.append(f"dokumen {approved_with}")
            if why:
                notes.append(f"alasan: {why}")
            AuditLog.create(at=now, actor=actor, action="letter.status", target=letter.reference,
                            detail=" ".join(n for n in notes if n)[:2000])
            current = step
        if number != letter.letter_number or (target == rules.CANCELLED and letter.verification_code):
            record_event("letter.verification", local.date(), verification_event(get_letter(letter.id), clock), now)
    return get_letter(letter.id)


def verification_event(letter: LetterRequest, clock: Clock) -> dict:
    """The `letter.verification` data of a numbered letter: the hub's public verification page shows it."""
    issued = clock.local(letter.numbered_at).date()
    return verification_data(letter.id, letter.verification_code, letter.letter_number, letter.letter_type.code,
                             letter.letter_type.name, issued,
                             rules.valid_until(issued, letter.letter_type.validity_days),
                             letter.status == rules.CANCELLED, letter.resident.name)


def correct_status(letter_id: str, target: object, reason: object, *, clock: Clock, actor: str) -> LetterRequest:
    """An admin puts a mistaken status back (to any earlier one, a cancelled request reopened) with a reason.
    A number already given stays with the letter (numbers are never reused).

    :raises ApiError: 400 invalid_status/reason_required, 404 unknown_letter, 409 invalid_correction.
    """
    if isinstance(target, bool) or not isinstance(target, int) or target not in rules.STATUSES:
        raise ApiError(400, "invalid_status", _("status harus angka 0-5."))
    why = documents.clean_reason(reason)
    if not why:
        raise ApiError(400, "reason_required", _("Tulis alasan koreksi."))
    now = clock.utcnow()
    with write_transaction():
        letter = get_letter(letter_id)
        if not rules.can_correct(letter.status, target):
            raise ApiError(409, "invalid_correction", _("Status %(old)s tidak bisa dikoreksi menjadi %(new)s.",
                                                        old=status_label(letter.status),
                                                        new=status_label(target)))
        LetterRequest.update(status=target, updated_at=now).where(LetterRequest.id == letter.id).execute()
        record_event("letter.status_changed", clock.business_date(), {
            "letter_id": letter.id, "type": letter.letter_type.code, "from": letter.status, "to": target,
            "letter_number": letter.letter_number, "correction": True}, now)
        if letter.verification_code:  # the hub's verification page follows a corrected (or reopened) letter
            record_event("letter.verification", clock.business_date(), verification_event(get_letter(letter.id), clock),
                         now)
        AuditLog.create(at=now, actor=actor, action="letter.correct", target=letter.reference,
                        detail=f"{letter.status}->{target} alasan: {why}"[:2000])
    log.info("letter %s corrected %s->%s by %s", letter.reference, letter.status, target, actor)
    return get_letter(letter.id)


def history(letter: LetterRequest) -> list[AuditLog]:
    """The audit rows about one request, oldest first (creation, checklist, moves, corrections)."""
    return list(AuditLog.select().where((AuditLog.target == letter.reference) &
                                        AuditLog.action.startswith("letter."))
                .order_by(AuditLog.at, AuditLog.id))


def _number_for(letter_type: LetterType, local, now) -> dict:
    """Number fields for a letter being numbered now; call under the write lock."""
    options = settings()
    profile = village()
    scope = rules.counter_scope(letter_type.code, options["letter_counter"])
    while True:  # a counter mode or format changed mid-year could meet an old number: skip it
        seq = _next_number(scope, local.year)
        number = rules.format_letter_number(letter_type.code, seq, profile.code if profile else "",
                                            local.date(), options["letter_number_format"])
        if not LetterRequest.select().where(LetterRequest.letter_number == number).exists():
            break
    return {"letter_number": number, "number_scope": scope, "number_year": local.year, "number_seq": seq,
            "numbered_at": now, "verification_code": _token()}


def update_fields(letter_id: str, values: dict, *, clock: Clock, actor: str) -> LetterRequest:
    """Staff correct the field values of an open request (missing ones allowed)."""
    now = clock.utcnow()
    with write_transaction():
        letter = get_letter(letter_id)
        if letter.status not in rules.OPEN_STATUSES:
            raise ApiError(409, "letter_closed", _("Permohonan ini sudah selesai dan tidak bisa diubah."))
        try:
            cleaned = rules.clean_fields(type_fields(letter.letter_type), values, allow_missing=True)
        except rules.FieldError as exc:
            raise _field_error(exc, letter.letter_type) from None
        LetterRequest.update(field_values=json.dumps(cleaned, ensure_ascii=False), updated_at=now).where(
            LetterRequest.id == letter.id).execute()
        AuditLog.create(at=now, actor=actor, action="letter.fields", target=letter.reference,
                        detail=", ".join(sorted(cleaned)))
    return get_letter(letter.id)


def status_counts() -> dict[int, int]:
    rows = LetterRequest.select(LetterRequest.status, fn.COUNT(LetterRequest.id)).group_by(LetterRequest.status)
    counts = dict.fromkeys(rules.STATUSES, 0)
    counts.update({status: n for status, n in rows.tuples()})
    return counts


def requests_with_status(status: int | None, limit: int = 200) -> list[LetterRequest]:
    query = (LetterRequest.select(LetterRequest, LetterType, Resident).join(LetterType)
             .switch(LetterRequest).join(Resident))
    if status is not None:
        query = query.where(LetterRequest.status == status)
    return list(query.order_by(LetterRequest.created_at.desc()).limit(limit))


def resident_letters(resident_id: int) -> list[LetterRequest]:
    return list(LetterRequest.select(LetterRequest, LetterType).join(LetterType)
                .where(LetterRequest.resident == resident_id).order_by(LetterRequest.created_at.desc()))
