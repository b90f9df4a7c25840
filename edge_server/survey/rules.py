"""Survey rules as pure values and functions: the question, the answers, and monthly results."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

SCORES = {
    1: ("😞", _l("Sangat tidak puas")),
    2: ("🙁", _l("Tidak puas")),
    3: ("😐", _l("Biasa saja")),
    4: ("🙂", _l("Puas")),
    5: ("😄", _l("Sangat puas")),
}
IMPROVE_TOPICS = {
    "waktu_tunggu": _l("Waktu tunggu"),
    "keramahan": _l("Keramahan petugas"),
    "kejelasan": _l("Kejelasan informasi"),
    "fasilitas": _l("Fasilitas ruang tunggu"),
    "persyaratan": _l("Persyaratan yang rumit"),
}
ANSWER_WINDOW_MINUTES = 15  # a finished ticket can be rated at the counter tablet for this long


class SurveyError(ValueError):
    """The answer is not one the survey offers."""


def validate_answer(score: object, improve: object) -> tuple[int, str]:
    """A score 1-5 and an improvement topic (or "") from untrusted input."""
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
        raise SurveyError("score must be 1-5")
    improve = improve or ""
    if not isinstance(improve, str) or (improve and improve not in IMPROVE_TOPICS):
        raise SurveyError("unknown improvement topic")
    return score, improve


@dataclass(frozen=True)
class ServiceResult:
    service: str
    answers: int
    average: float | None
    satisfied_percent: float | None  # share of 4 and 5
    distribution: dict[int, int]
    improve: dict[str, int]


def summarise(service: str, answers: Iterable[tuple[int, str]]) -> ServiceResult:
    """Results of one service (or all) for a month from (score, improve) pairs."""
    answers = list(answers)
    scores = [s for s, _i in answers]
    distribution = {k: 0 for k in SCORES}
    distribution.update(Counter(scores))
    topics = Counter(i for _s, i in answers if i)
    if not scores:
        return ServiceResult(service, 0, None, None, distribution, dict(topics))
    return ServiceResult(service, len(scores), round(sum(scores) / len(scores), 2),
                         round(100 * sum(1 for s in scores if s >= 4) / len(scores), 1), distribution, dict(topics))
