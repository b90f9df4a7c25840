"""A ticket's tracking token (GET /t/<token>, the receipt's QR code): where the ticket is, then a secret.

The first eight characters are the ticket's place, base 62: the business day (3, days since 2020-01-01), the
service's id (2) and the day's number (3), which the unique index on (issued_service_id, business_date, number)
finds. Then 23 characters of base64url, 136 random bits (CONTRACTS: at least 128), which the row must hold too.
So a ticket needs no index of its own for its token (edge migration 39): a take writes one B-tree fewer.

Tokens made before are 24 or 30 characters; the partial index `ticket_track_token` still finds those
(`LEGACY` is its condition, and a query must repeat it for SQLite to use it). A token of this kind is 31.
"""
from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import NamedTuple

from peewee import SQL

from anjungan_core.ids import base62, from_base62

from ..models import Ticket

LENGTH = 31
_PLACE = 8
_DAY0 = date(2020, 1, 1)
LEGACY = f"length(track_token) <> {LENGTH}"  # the partial index's condition: every token made before this kind


class Place(NamedTuple):
    service_id: int
    business_date: date
    number: int


def new_token(place: Place) -> str:
    """A token for the ticket at `place`. :raises ValueError: a place too far out to write in 8 characters."""
    return (base62((place.business_date - _DAY0).days, 3) + base62(place.service_id, 2) + base62(place.number, 3)
            + secrets.token_urlsafe(17))


def place_of(token: str) -> Place | None:
    """Where a token of this kind says its ticket is; None for any other text (a token made before, a typo)."""
    if len(token) != LENGTH:
        return None
    day, service_id, number = from_base62(token[:3]), from_base62(token[3:5]), from_base62(token[5:_PLACE])
    if day is None or service_id is None or number is None:
        return None
    return Place(service_id, _DAY0 + timedelta(days=day), number)


def ticket_for(token: str) -> Ticket | None:
    """The ticket a token tracks, or None: through its place for a token of this kind, through the partial index
    for one made before."""
    place = place_of(token)
    if place is not None:
        return Ticket.get_or_none((Ticket.issued_service_id == place.service_id)
                                  & (Ticket.business_date == place.business_date)
                                  & (Ticket.number == place.number) & (Ticket.track_token == token))
    return Ticket.get_or_none((Ticket.track_token == token[:64]) & SQL(LEGACY))
