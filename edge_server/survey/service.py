"""Storing survey answers (with their outbox event) and reading results."""
from __future__ import annotations

from datetime import date, timedelta

from peewee import JOIN

from ..clock import Clock
from ..db import write_transaction
from ..errors import ApiError
from ..models import Service, Ticket
from ..models.survey import SurveyResponse
from ..queue import rules as queue_rules
from ..queue.service import get_service, ticket_number
from ..sync.outbox import record_event
from . import rules


def pending_for_counter(counter_number: int, clock: Clock) -> Ticket | None:
    """The ticket this counter finished last, if it is recent and not rated yet."""
    since = clock.utcnow() - timedelta(minutes=rules.ANSWER_WINDOW_MINUTES)
    ticket = (Ticket.select().join_from(Ticket, SurveyResponse, JOIN.LEFT_OUTER,
                                        on=(SurveyResponse.ticket == Ticket.id))
              .where((Ticket.status == queue_rules.DONE) & (Ticket.finished_at >= since)
                     & (Ticket.counter.in_(_counter_ids(counter_number))) & (SurveyResponse.id.is_null()))
              .order_by(Ticket.finished_at.desc()).first())
    return ticket


def _counter_ids(number: int):
    from ..models import Counter

    return Counter.select(Counter.id).where(Counter.number == number)


def record_answer(*, clock: Clock, score: object, improve: object, source: str, ticket_id: str | None = None,
                  service_code: str | None = None) -> SurveyResponse:
    """Store one answer. A ticket can be rated once, within the window after it was finished.

    :raises ApiError: 400 bad answer, 404 unknown ticket/service, 409 already rated or too late.
    """
    try:
        score, improve = rules.validate_answer(score, improve)
    except rules.SurveyError:
        raise ApiError(400, "invalid_answer", "Pilih salah satu wajah (1-5).") from None
    if ticket_id is not None and (not isinstance(ticket_id, str) or len(ticket_id) > 64):
        raise ApiError(400, "invalid_answer", "ticket_id harus teks.")
    if service_code is not None and not (isinstance(service_code, str) and len(service_code) == 1
                                         and service_code.isascii() and service_code.isalpha()):
        raise ApiError(400, "invalid_answer", "service harus satu huruf kode layanan.")
    now = clock.utcnow()
    with write_transaction():
        ticket = None
        counter_number = None
        if ticket_id:
            ticket = Ticket.get_or_none(Ticket.id == str(ticket_id)[:64])
            if ticket is None:
                raise ApiError(404, "unknown_ticket", "Tiket tidak ditemukan.")
            if ticket.status != queue_rules.DONE or not ticket.finished_at or \
                    now - ticket.finished_at > timedelta(minutes=rules.ANSWER_WINDOW_MINUTES):
                raise ApiError(409, "survey_closed", "Survei untuk tiket ini sudah ditutup.")
            if SurveyResponse.get_or_none(SurveyResponse.ticket == ticket):
                raise ApiError(409, "already_answered", "Tiket ini sudah dinilai. Terima kasih!")
            service = ticket.service
            counter_number = ticket.counter.number if ticket.counter_id else None
        elif service_code:
            service = get_service(service_code)
        else:
            service = None
        response = SurveyResponse.create(service=service, ticket=ticket, counter_number=counter_number, score=score,
                                         improve=improve, source=source, at=now, business_date=clock.business_date())
        record_event("survey.answered", clock.business_date(), {
            "service": service.code if service else None, "score": score, "improve": improve, "source": source,
        }, now)
    return response


def monthly_results(year: int, month: int) -> list[rules.ServiceResult]:
    """Per service, then all services together, for one calendar month."""
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    rows = list(SurveyResponse.select(SurveyResponse.service, SurveyResponse.score, SurveyResponse.improve)
                .where((SurveyResponse.business_date >= start) & (SurveyResponse.business_date < end)))
    results = []
    for service in Service.select().order_by(Service.sort_order, Service.code):
        results.append(rules.summarise(service.code, ((r.score, r.improve) for r in rows
                                                      if r.service_id == service.id)))
    results.append(rules.summarise("Total", ((r.score, r.improve) for r in rows)))
    return results


def pending_json(ticket: Ticket | None) -> dict:
    if ticket is None:
        return {"ticket": None}
    return {"ticket": {"id": ticket.id, "number": ticket_number(ticket), "service_name": ticket.service.name}}
