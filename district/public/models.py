"""What the public pages read: one row per ticket and per letter, projected from the synced events.

Tokens are never stored: only the digest the edge sends (`track_hash`, `verification_hash`), so neither this
table nor the event log can be turned into working links. No NIK, no name: the letter's name is masked.
"""
from __future__ import annotations

from peewee import BigIntegerField, BooleanField, CharField, DateField, DateTimeField, IntegerField

from ..db import BaseModel


class PublicTicket(BaseModel):
    village = CharField(max_length=13, column_name="village_code")
    ticket_id = CharField(max_length=36)
    track_hash = CharField(max_length=64, null=True, index=True)
    business_date = DateField()
    service = CharField(max_length=8, default="")
    service_name = CharField(max_length=120, default="")
    number = CharField(max_length=16, default="")
    priority = BooleanField(default=False)
    issued_at = DateTimeField(null=True)  # naive UTC; the queue order (a transfer keeps it)
    issued_seq = BigIntegerField(null=True)  # the order among tickets of the same second (events carry seconds)
    status = CharField(max_length=16, default="waiting")
    status_seq = BigIntegerField(default=0)  # seq of the event that set `status`: older events never undo it
    status_at = DateTimeField(null=True)
    counter = IntegerField(null=True)
    service_seconds = IntegerField(null=True)

    class Meta:
        indexes = (
            (("village", "ticket_id"), True),
            (("village", "business_date", "service"), False),
        )


class PublicLetter(BaseModel):
    village = CharField(max_length=13, column_name="village_code")
    letter_id = CharField(max_length=36)
    track_hash = CharField(max_length=64, null=True, index=True)
    verification_hash = CharField(max_length=64, null=True, index=True)
    reference = CharField(max_length=40, default="")
    type = CharField(max_length=20, default="")
    type_name = CharField(max_length=160, default="")
    status = IntegerField(default=0)  # 0-5 as on the edge
    status_seq = BigIntegerField(default=0)
    requested_on = DateField(null=True)
    letter_number = CharField(max_length=80, null=True)
    issued_on = DateField(null=True)
    valid_until = DateField(null=True)
    verification_status = CharField(max_length=12, null=True)  # valid | cancelled
    verification_seq = BigIntegerField(default=0)
    name_masked = CharField(max_length=120, default="")
    updated_at = DateTimeField(null=True)  # naive UTC, the latest event applied

    class Meta:
        indexes = ((("village", "letter_id"), True),)


PUBLIC_MODELS = [PublicTicket, PublicLetter]
