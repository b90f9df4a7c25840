"""Driving the edge's queue and comparing its own counts with the district's summary."""
from __future__ import annotations

from edge_server.models import Ticket
from edge_server.queue import rules, service


def queue_day(edge, issued: int = 6, served: int = 3, no_show: int = 1) -> None:
    """Issue tickets, then call them at counter 2: finish `served`, mark `no_show` as absent."""
    clock = edge.extensions["clock"]
    with edge.app_context():
        for i in range(issued):
            service.issue_ticket("ABC"[i % 3], clock=clock)
        for _ in range(served):
            ticket = service.call_next(2, clock=clock)
            service.act(ticket.id, "finish", clock=clock)
        for _ in range(no_show):
            ticket = service.call_next(2, clock=clock)
            service.act(ticket.id, "no-show", clock=clock)


def edge_counts(edge) -> dict:
    """The edge's own numbers for today, in the summary's terms."""
    day = edge.extensions["clock"].business_date()
    today = Ticket.select().where(Ticket.business_date == day)
    return {"tickets_issued": today.count(),
            "tickets_served": today.where(Ticket.status == rules.DONE).count(),
            "tickets_no_show": today.where(Ticket.status == rules.NO_SHOW).count()}


def district_counts(district, code: str, day: str) -> dict:
    client = district.test_client()
    body = client.get(f"/api/v1/villages/{code}/summary?date={day}",
                      headers={"Authorization": f"Bearer {district.extensions['test_admin_token']}"}).get_json()
    return {k: body[k] for k in ("tickets_issued", "tickets_served", "tickets_no_show")} | {
        "last_seq": body["last_seq"]}
