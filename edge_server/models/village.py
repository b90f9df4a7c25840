"""The village profile (one row), announcements and generic rate-limit counters."""
from peewee import BooleanField, CharField, DateTimeField, IntegerField, TextField

from ..db import BaseModel


class VillageProfile(BaseModel):
    code = CharField()  # dotted Kemendagri code, e.g. 33.17.09.2016
    name = CharField()
    kecamatan = CharField(default="")
    kabupaten = CharField(default="")
    province = CharField(default="")
    address = CharField(default="")
    postcode = CharField(default="")
    phone = CharField(default="")
    timezone = CharField(default="Asia/Jakarta")
    head_name = CharField(default="")
    head_title = CharField(default="Kepala Desa")
    settings = TextField(default="{}")  # JSON: village-level options (letter numbering, pickup tickets, ...)


class Announcement(BaseModel):
    title = CharField()
    body = TextField(default="")
    starts = DateTimeField(null=True)  # naive UTC
    ends = DateTimeField(null=True)
    audience = CharField(default="both")  # kiosk | board | both
    source = CharField(default="village")  # village | district
    external_id = CharField(null=True, unique=True)
    active = BooleanField(default=True)


class RateLimit(BaseModel):
    """A fixed-window counter per key (pairing tries per address, identify calls per device, ...)."""

    key = CharField(unique=True)
    window_start = DateTimeField()
    count = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
