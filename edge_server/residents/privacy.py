"""Personal data rights (UU PDP No. 27/2022) for one resident: who looked at their record (access log), everything
the edge server holds about them (export), and the village's retention period for ticket links.

Access-log entries are AuditLog rows with action `resident.view` and target `resident:<id>` (an id, not a masked
NIK: masked NIKs can collide, and the log must name exactly one person).
"""
from __future__ import annotations

import json
from datetime import datetime

from ..clock import to_iso
from ..db import write_transaction
from ..inputs import bounded_int
from ..models import AuditLog, LetterRequest, LetterType, Resident, Service, Ticket, VillageProfile
from ..retention import DEFAULT_RETENTION_DAYS

VIEW_ACTION = "resident.view"
EXPORT_ACTION = "resident.export"
ACCESS_ACTIONS = (VIEW_ACTION, EXPORT_ACTION)  # both are someone reading the whole record
MIN_RETENTION_DAYS, MAX_RETENTION_DAYS = 30, 3650
RESIDENT_COLUMNS = ("nik", "no_kk", "name", "sex", "birth_place", "birth_date", "religion", "occupation",
                    "marital_status", "address", "dusun", "rt", "rw", "education", "family_relation", "citizenship",
                    "blood_type", "disability", "life_status", "active", "created_at", "updated_at")


def target(resident_id: int) -> str:
    return f"resident:{resident_id}"


def log_view(resident_id: int, actor: str, now: datetime, where: str, action: str = VIEW_ACTION) -> None:
    """Record that a staff user saw this resident's record (`where`: which page, e.g. "detail", "letter SRT-...")."""
    AuditLog.create(at=now, actor=actor, action=action, target=target(resident_id), detail=where[:200])


def access_log(resident_id: int, limit: int = 500) -> list[AuditLog]:
    """Views and exports of the record, newest first."""
    return list(AuditLog.select().where(AuditLog.action.in_(ACCESS_ACTIONS) & (AuditLog.target == target(resident_id)))
                .order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit))


def parse_retention_days(text: str) -> int:
    """An admin-entered retention period in days.

    :raises ValueError: unless a whole number from 30 to 3650.
    """
    text = (text or "").strip()
    if bounded_int(text, MIN_RETENTION_DAYS, MAX_RETENTION_DAYS) is None:
        raise ValueError(text)
    return int(text)


def save_retention_days(days: int) -> None:
    """Store the period in the village settings JSON (read by `retention.retention_days`), keeping other keys."""
    with write_transaction():
        profile = VillageProfile.select().first()
        stored = json.loads(profile.settings or "{}")
        stored["retention_days"] = days
        VillageProfile.update(settings=json.dumps(stored, ensure_ascii=False)).where(
            VillageProfile.id == profile.id).execute()


def _value(value):
    if isinstance(value, datetime):
        return to_iso(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _audit_json(row: AuditLog) -> dict:
    return {"at": to_iso(row.at), "actor": row.actor, "action": row.action, "target": row.target,
            "detail": row.detail}


def export(resident: Resident) -> dict:
    """Everything held about one resident, as JSON-ready values.

    Audit entries are those naming the resident (`resident:<id>`), the letter requests' references, or the
    masked NIK older entries use (a masked NIK may also match another resident's entry: those carry no personal
    data beyond the action, and are marked `match: masked_nik`).
    """
    from anjungan_core.nik import mask_nik

    record = {c: _value(getattr(resident, c)) for c in RESIDENT_COLUMNS}
    record.update({"temporary_nik": resident.temporary, "has_pin": bool(resident.pin_hash),
                   "pin_set_at": to_iso(resident.pin_set_at), "ektp_tag_registered": bool(resident.rfid_uid)})
    letters = list(LetterRequest.select(LetterRequest, LetterType).join(LetterType)
                   .where(LetterRequest.resident == resident.id).order_by(LetterRequest.created_at))
    tickets = list(Ticket.select(Ticket, Service).join(Service).where(Ticket.resident_id == resident.id)
                   .order_by(Ticket.issued_at))
    references = [letter.reference for letter in letters]
    exact = [target(resident.id), *references]
    audit = [dict(_audit_json(row), match="exact") for row in AuditLog.select().where(
        AuditLog.target.in_(exact) & AuditLog.action.not_in(ACCESS_ACTIONS)).order_by(AuditLog.at)]
    audit += [dict(_audit_json(row), match="masked_nik") for row in AuditLog.select().where(
        AuditLog.target == mask_nik(resident.nik)).order_by(AuditLog.at)]
    return {
        "resident": record,
        "letter_requests": [{
            "reference": letter.reference, "type": letter.letter_type.code, "type_name": letter.letter_type.name,
            "fields": json.loads(letter.field_values or "{}"), "status": letter.status,
            "letter_number": letter.letter_number, "source": letter.source, "created_at": to_iso(letter.created_at),
            "numbered_at": to_iso(letter.numbered_at), "note": letter.note} for letter in letters],
        "tickets": [{
            "id": t.id, "service": t.service.code, "business_date": t.business_date.isoformat(),
            "number": t.number, "status": t.status, "source": t.source, "issued_at": to_iso(t.issued_at)}
            for t in tickets],
        "audit": sorted(audit, key=lambda a: a["at"] or ""),
        "access_log": [_audit_json(row) for row in reversed(access_log(resident.id, limit=100000))],
        "retention_days": _retention_days(),
    }


def _retention_days() -> int:
    from ..retention import retention_days

    try:
        return retention_days()
    except (ValueError, TypeError):
        return DEFAULT_RETENTION_DAYS
