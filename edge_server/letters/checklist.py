"""The documents staff tick on a letter request ("Dokumen yang diperiksa"): cleaning what a console sends,
reading what is stored, saving it with its audit row, and what the resident still has to bring."""
from __future__ import annotations

import json

from flask_babel import gettext as _

from ..errors import ApiError
from ..models import AuditLog, LetterRequest, LetterType
from . import rules


def requirements(letter_type: LetterType) -> list[str]:
    return json.loads(letter_type.requirements or "[]")


def clean(letter_type: LetterType, checked: object) -> list[str]:
    """The ticked documents that are the type's requirements, in the type's order.

    :raises ApiError: 400 invalid_checklist when it is not a list of texts.
    """
    if not isinstance(checked, list) or not all(isinstance(item, str) for item in checked):
        raise ApiError(400, "invalid_checklist", _("checklist harus daftar nama dokumen."))
    chosen = set(checked)
    return [item for item in requirements(letter_type) if item in chosen]


def clean_reason(reason: object) -> str:
    if reason is None:
        return ""
    if not isinstance(reason, str):
        raise ApiError(400, "invalid_reason", _("reason harus berupa teks."))
    return " ".join(reason.split())[:500]


def ticked(letter: LetterRequest) -> list[str]:
    try:
        stored = json.loads(letter.checklist or "[]")
    except ValueError:
        return []
    return [item for item in stored if isinstance(item, str)]


def detail(letter_type: LetterType, checked: list[str]) -> str:
    required = requirements(letter_type)
    return f"{len(checked)}/{len(required)}: " + (", ".join(checked) or "-")


def store(letter: LetterRequest, checked: list[str], now, actor: str) -> None:
    """Save the ticked documents and audit them; call under the write lock. No row when nothing changed."""
    if checked == ticked(letter):
        return
    LetterRequest.update(checklist=json.dumps(checked, ensure_ascii=False), updated_at=now).where(
        LetterRequest.id == letter.id).execute()
    AuditLog.create(at=now, actor=actor, action="letter.checklist", target=letter.reference,
                    detail=detail(letter.letter_type, checked))


def to_bring(letter: LetterRequest) -> list[str]:
    """What the resident still has to show at the counter: the required documents staff have not ticked,
    while the request is still being checked (nothing once approved or closed)."""
    if letter.status not in (rules.INCOMPLETE, rules.CHECKING):
        return []
    return rules.missing_documents(requirements(letter.letter_type), ticked(letter))
