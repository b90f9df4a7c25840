"""Letter types, letter requests (permohonan surat) and the yearly number counters."""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from ..db import BaseModel
from .device import Device
from .residents import Resident


class LetterType(BaseModel):
    code = CharField(unique=True)  # used in the letter number, e.g. S-41
    name = CharField()
    fields = TextField(default="[]")  # JSON [{"name", "label", "required"}]
    requirements = TextField(default="[]")  # JSON ["Surat Pengantar RT/RW", ...]
    template = TextField(default="")  # body text with {field} placeholders
    validity_days = IntegerField(default=30)
    self_service = BooleanField(default=True)
    active = BooleanField(default=True)
    sort_order = IntegerField(default=0)
    description = CharField(default="")  # one line for residents at the kiosk (migration 16)


class LetterSequence(BaseModel):
    """The last number given per scope and period: (type code or "*", year) for letter numbers,
    ("ref", YYMM) for receipt references. Updated under BEGIN IMMEDIATE."""

    scope = CharField()
    period = IntegerField()
    last_number = IntegerField(default=0)

    class Meta:
        indexes = ((("scope", "period"), True),)


class LetterRequest(BaseModel):
    id = CharField(primary_key=True)  # uuid4
    reference = CharField(unique=True)  # SRT-2611-0042, printed on the kiosk receipt
    resident = ForeignKeyField(Resident, backref="letters")
    letter_type = ForeignKeyField(LetterType)
    field_values = TextField(default="{}")  # JSON {field name: value}
    status = IntegerField(default=0, index=True)  # 0-5, see letters.rules
    letter_number = CharField(null=True, unique=True)
    number_scope = CharField(null=True)
    number_year = IntegerField(null=True)
    number_seq = IntegerField(null=True)
    numbered_at = DateTimeField(null=True)
    verification_code = CharField(null=True, unique=True)
    track_token = CharField(unique=True)
    source = CharField(default="kiosk")  # kiosk | counter
    device = ForeignKeyField(Device, null=True, on_delete="SET NULL")
    ticket_id = CharField(null=True)
    note = TextField(default="")
    checklist = TextField(default="[]")  # JSON: the documents staff have checked (migration 15)
    created_at = DateTimeField(index=True)
    updated_at = DateTimeField()

    class Meta:
        indexes = ((("number_scope", "number_year", "number_seq"), True),)
