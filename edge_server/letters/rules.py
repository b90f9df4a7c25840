"""Letter rules as pure functions: statuses and their moves, letter numbers, references, dates, field checks.

No database, no clock, no Flask: every function takes values and returns values.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date, timedelta

from anjungan_core.calendar_words import roman_month
from anjungan_core.regions import dotted_village_code

INCOMPLETE, CHECKING, AWAITING_SIGNATURE, READY, PICKED_UP, CANCELLED = range(6)
STATUSES = (INCOMPLETE, CHECKING, AWAITING_SIGNATURE, READY, PICKED_UP, CANCELLED)
OPEN_STATUSES = (INCOMPLETE, CHECKING, AWAITING_SIGNATURE, READY)
NUMBERED_FROM = AWAITING_SIGNATURE  # moving here or later gives the letter its number
# Indonesian labels (also the gettext msgids; callers translate them).
STATUS_LABELS = {
    INCOMPLETE: "belum lengkap",
    CHECKING: "sedang diperiksa",
    AWAITING_SIGNATURE: "menunggu tanda tangan",
    READY: "siap diambil",
    PICKED_UP: "sudah diambil",
    CANCELLED: "dibatalkan",
}


DEFAULT_NUMBER_FORMAT = "{code}/{number}/{village}/{month_roman}/{year}"
NUMBER_PLACEHOLDERS = frozenset({"code", "number", "village", "month_roman", "month", "year"})
COUNTER_PER_TYPE, COUNTER_GLOBAL = "per_type", "global"
GLOBAL_SCOPE = "*"
REFERENCE_SCOPE = "ref"
MAX_FIELD_LENGTH = 500


class TransitionError(ValueError):
    """The move is not allowed from the request's current status."""

    def __init__(self, current: int, target: int):
        super().__init__(f"cannot move a letter request from status {current} to {target}")
        self.current = current
        self.target = target


def can_move(current: int, target: int) -> bool:
    """Any forward move from an open status; cancelling (5) from any open status; nothing else."""
    if current not in OPEN_STATUSES or target not in STATUSES or target == INCOMPLETE:
        return False
    return target > current


def check_transition(current: int, target: int) -> None:
    """:raises TransitionError: when `can_move` says no."""
    if not can_move(current, target):
        raise TransitionError(current, target)


def next_status(current: int) -> int | None:
    """The one step the console offers, in DOMAIN.md's order (0 -> 1 -> 2 -> 3 -> 4); None once closed."""
    return current + 1 if current in OPEN_STATUSES else None


def walk(current: int, target: int) -> list[int]:
    """The statuses a forward move passes through, in order, ending at `target` (cancel goes straight there).

    :raises TransitionError: when `can_move` says no.
    """
    check_transition(current, target)
    return [target] if target == CANCELLED else list(range(current + 1, target + 1))


def approves(current: int, target: int) -> bool:
    """Whether the move passes 'menunggu tanda tangan', the step where staff vouch for the documents."""
    return current < AWAITING_SIGNATURE <= target < CANCELLED


def can_correct(current: int, target: int) -> bool:
    """An admin's correction: back to any earlier status (a cancelled request may be reopened)."""
    return current in STATUSES and target in STATUSES and target < current


def missing_documents(requirements: list[str], checked: list[str]) -> list[str]:
    """The required documents not ticked yet, in the type's order."""
    ticked = set(checked)
    return [item for item in requirements if item not in ticked]


def needs_number(target: int, current_number: str | None) -> bool:
    """A letter gets its number when it first reaches 'menunggu tanda tangan' or later (not on cancel)."""
    return current_number is None and NUMBERED_FROM <= target <= PICKED_UP


def resident_may_cancel(status: int) -> bool:
    return status in (INCOMPLETE, CHECKING)


def counter_scope(type_code: str, mode: str) -> str:
    """The counter a letter number is drawn from: its own type's, or one shared by all letters."""
    return GLOBAL_SCOPE if mode == COUNTER_GLOBAL else type_code


def check_number_format(fmt: str) -> str:
    """Validate an admin-entered number format; returns it.

    :raises ValueError: unknown placeholder, bad braces, or no {number}.
    """
    try:
        names = {name for _text, name, _spec, _conv in string.Formatter().parse(fmt) if name is not None}
    except ValueError as exc:
        raise ValueError(f"format tidak sah: {exc}") from None
    unknown = names - NUMBER_PLACEHOLDERS
    if unknown:
        raise ValueError(f"isian tidak dikenal: {', '.join(sorted(unknown))}")
    if "number" not in names:
        raise ValueError("format harus memuat {number}")
    return fmt


def format_letter_number(type_code: str, number: int, village_code: str, local_day: date,
                         fmt: str = DEFAULT_NUMBER_FORMAT) -> str:
    """The village letter number, by default `S-41/007/33.17.09.2016/XI/2026`.

    :param number: the counter value (1-based), shown with at least 3 digits.
    :param local_day: the day of numbering in the village's time zone (decides month and year).
    """
    if number < 1:
        raise ValueError("letter numbers start at 1")
    village = dotted_village_code(village_code) or village_code
    values = {"code": type_code, "number": f"{number:03d}", "village": village,
              "month_roman": roman_month(local_day.month), "month": f"{local_day.month:02d}",
              "year": str(local_day.year)}
    return check_number_format(fmt).format_map(values)


def reference_period(local_day: date) -> int:
    """The counter period of receipt references: YYMM as a number (2611 for November 2026)."""
    return (local_day.year % 100) * 100 + local_day.month


def format_reference(local_day: date, serial: int) -> str:
    """A short, readable receipt reference: `SRT-2611-0042` (year, month, serial within the month)."""
    if serial < 1:
        raise ValueError("serials start at 1")
    return f"SRT-{reference_period(local_day):04d}-{serial:04d}"


def valid_until(issued: date, validity_days: int) -> date | None:
    """The last day a letter is valid; None when it has no limit (validity_days <= 0)."""
    return issued + timedelta(days=validity_days) if validity_days > 0 else None


_PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")


def render_body(template: str, values: dict[str, str]) -> str:
    """Fill `{field}` placeholders of a letter text; an unfilled field reads '-'. Plain text out."""
    return _PLACEHOLDER.sub(lambda m: (values.get(m.group(1)) or "-").strip() or "-", template)


@dataclass(frozen=True)
class FieldProblem:
    field: str
    problem: str  # "required" | "unknown" | "not_text" | "too_long"


class FieldError(ValueError):
    """The submitted field values do not fit the letter type; `problems` lists each."""

    def __init__(self, problems: list[FieldProblem]):
        super().__init__("; ".join(f"{p.field}: {p.problem}" for p in problems))
        self.problems = problems


def clean_fields(definitions: list[dict], values: dict, *, allow_missing: bool = False) -> dict[str, str]:
    """Check values against a type's field definitions and return them stripped.

    :param allow_missing: staff may save an incomplete request; the kiosk may not.
    :raises FieldError: listing every unknown, non-text, too long or missing required field.
    """
    known = {d["name"]: d for d in definitions}
    problems = [FieldProblem(str(name)[:40], "unknown") for name in values if name not in known]
    cleaned: dict[str, str] = {}
    for name, definition in known.items():
        value = values.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            problems.append(FieldProblem(name, "not_text"))
            continue
        value = " ".join(value.split())
        if len(value) > MAX_FIELD_LENGTH:
            problems.append(FieldProblem(name, "too_long"))
        elif not value and definition.get("required") and not allow_missing:
            problems.append(FieldProblem(name, "required"))
        cleaned[name] = value
    if problems:
        raise FieldError(problems)
    return cleaned


_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


def parse_field_lines(text: str) -> list[dict]:
    """Admin form text, one field a line `name | Label | wajib` -> field definitions.

    :raises ValueError: naming the line that is wrong.
    """
    fields: list[dict] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        name = parts[0].lower()
        if not _FIELD_NAME.fullmatch(name):
            raise ValueError(f"baris {number}: nama isian '{parts[0]}' hanya huruf kecil, angka dan _")
        if any(f["name"] == name for f in fields):
            raise ValueError(f"baris {number}: isian '{name}' ganda")
        label = parts[1] if len(parts) > 1 and parts[1] else name.replace("_", " ").capitalize()
        required = len(parts) > 2 and parts[2].lower() in ("wajib", "required", "ya", "yes", "1", "true")
        fields.append({"name": name, "label": label, "required": required})
    return fields


def field_lines(fields: list[dict]) -> str:
    """The inverse of `parse_field_lines`, for the admin form."""
    return "\n".join(f"{f['name']} | {f['label']} | {'wajib' if f.get('required') else 'opsional'}"
                     for f in fields)
