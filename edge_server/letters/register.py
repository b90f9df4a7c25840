"""Buku register surat keluar: every letter that received a number, by year and month, in numbering order.

A letter cancelled after it got its number keeps its line (and its number), marked cancelled: numbers are never
reused and a gap in the register must be explained. The pure part (period bounds, rows, CSV) takes values; the
query at the bottom reads the database.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from ..models import AuditLog, LetterRequest, LetterType, Resident, VillageProfile
from . import rules

SIGNER_ACTION = "letter.signer"  # AuditLog action recording who signs a letter, written when it is numbered
CSV_COLUMNS = ("no", "nomor_surat", "tanggal", "kode", "jenis_surat", "nik", "nama", "penandatangan", "status",
               "nomor_tanda_terima")


@dataclass(frozen=True)
class RegisterEntry:
    line: int
    number: str
    day: date
    type_code: str
    type_name: str
    resident_nik: str
    resident_name: str
    signer: str
    cancelled: bool
    reference: str
    letter_id: str


def period_bounds(year: int, month: int | None, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The naive-UTC instants [start, end) of a local month (or the whole year when month is None).

    :raises ValueError: for a month outside 1-12 or a year outside 2000-2999.
    """
    if not 2000 <= year <= 2999 or (month is not None and not 1 <= month <= 12):
        raise ValueError("period out of range")
    if month is None:
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
    else:
        start = date(year, month, 1)
        end = date(year + (month == 12), month % 12 + 1, 1)

    def utc(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)

    return utc(start), utc(end)


def signer_text(title: str, name: str) -> str:
    """'Kepala Desa Mojowarno' + 'Sutrisno' -> 'Sutrisno (Kepala Desa Mojowarno)'."""
    title, name = title.strip(), name.strip()
    if name and title:
        return f"{name} ({title})"
    return name or title or "-"


def build_entries(letters: list[LetterRequest], local_day, signers: dict[str, str],
                  default_signer: str) -> list[RegisterEntry]:
    """Register lines, numbered from 1 in the order given.

    :param local_day: turns a stored naive-UTC instant into the village's local date.
    :param signers: letter reference -> signer recorded when it was numbered; others get `default_signer`.
    """
    return [RegisterEntry(line=i, number=letter.letter_number, day=local_day(letter.numbered_at),
                          type_code=letter.letter_type.code, type_name=letter.letter_type.name,
                          resident_nik=letter.resident.nik, resident_name=letter.resident.name,
                          signer=signers.get(letter.reference, default_signer),
                          cancelled=letter.status == rules.CANCELLED, reference=letter.reference,
                          letter_id=letter.id)
            for i, letter in enumerate(letters, start=1)]


def to_csv(entries: list[RegisterEntry], cancelled_word: str = "dibatalkan", issued_word: str = "terbit") -> str:
    """The register as CSV (`;`-separated, as Indonesian spreadsheets expect), with a header line."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        writer.writerow([e.line, e.number, e.day.isoformat(), e.type_code, e.type_name, _safe(e.resident_nik),
                         _safe(e.resident_name), _safe(e.signer), cancelled_word if e.cancelled else issued_word,
                         e.reference])
    return out.getvalue()


def _safe(text: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula (CSV injection); a NIK stays text with a quote."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    if text.isdigit() and len(text) >= 15:
        return "'" + text  # 16-digit NIKs would lose their last digits as a number in Excel
    return text


# ---- storage -------------------------------------------------------------------------------------------------

def default_signer() -> str:
    profile = VillageProfile.select().first()
    if profile is None:
        return "-"
    return signer_text(f"{profile.head_title or 'Kepala Desa'} {profile.name}", profile.head_name)


def record_signer(letter: LetterRequest, now: datetime, actor: str) -> None:
    """Remember who signs a letter that just got its number (the village head of that day)."""
    if letter.letter_number is None:
        return
    if AuditLog.select().where((AuditLog.action == SIGNER_ACTION) & (AuditLog.target == letter.reference)).exists():
        return
    AuditLog.create(at=now, actor=actor, action=SIGNER_ACTION, target=letter.reference, detail=default_signer())


def load(year: int, month: int | None, zone: ZoneInfo) -> list[RegisterEntry]:
    """Every numbered letter of the local period, cancelled ones included, oldest number first."""
    start, end = period_bounds(year, month, zone)
    letters = list(LetterRequest.select(LetterRequest, LetterType, Resident).join(LetterType)
                   .switch(LetterRequest).join(Resident)
                   .where(LetterRequest.letter_number.is_null(False) & (LetterRequest.numbered_at >= start)
                          & (LetterRequest.numbered_at < end))
                   .order_by(LetterRequest.numbered_at, LetterRequest.number_seq))
    references = [letter.reference for letter in letters]
    signers: dict[str, str] = {}
    for chunk in range(0, len(references), 500):
        for row in AuditLog.select(AuditLog.target, AuditLog.detail).where(
                (AuditLog.action == SIGNER_ACTION) & AuditLog.target.in_(references[chunk:chunk + 500])).tuples():
            signers[row[0]] = row[1]

    def local_day(instant: datetime) -> date:
        return instant.replace(tzinfo=timezone.utc).astimezone(zone).date()

    return build_entries(letters, local_day, signers, default_signer())
