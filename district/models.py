"""The hub's tables. Events are stored once: unique by (village, event id) and by (village, seq)."""
from __future__ import annotations

from peewee import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .db import BaseModel


class Village(BaseModel):
    code = CharField(primary_key=True, max_length=13)  # dotted: 33.17.09.2016
    name = CharField(max_length=120)
    secret = CharField(max_length=128)  # the HMAC key itself: a signature can only be checked with it
    active = BooleanField(default=True)
    created_at = DateTimeField()
    secret_rotated_at = DateTimeField(null=True)
    acked_through = BigIntegerField(default=0)  # every seq up to this is stored
    last_seen = DateTimeField(null=True)  # last accepted request, naive UTC
    edge_version = CharField(max_length=40, default="")  # X-Anjungan-Edge-Version of its last request


class Event(BaseModel):
    id = BigAutoField()
    # no index of its own: both unique indexes below lead with it (migration 22)
    village = ForeignKeyField(Village, column_name="village_code", on_delete="CASCADE", index=False)
    event_id = CharField(max_length=36)
    seq = BigIntegerField()
    type = CharField(max_length=64)
    occurred_at = DateTimeField()  # naive UTC
    business_date = DateField()
    metric = IntegerField(null=True)  # seconds: wait (ticket.called) or service time (ticket.finished)
    data = TextField()
    received_at = DateTimeField()

    class Meta:
        indexes = (
            (("village", "event_id"), True),
            (("village", "seq"), True),
            (("business_date", "type", "village"), False),
        )


class DeviceState(BaseModel):
    """The latest `device.status` of each kiosk or board, by seq."""

    village = ForeignKeyField(Village, column_name="village_code", on_delete="CASCADE")
    device_id = IntegerField()
    device = CharField(max_length=80, default="")
    kind = CharField(max_length=20, default="kiosk")
    online = BooleanField(default=True)
    printer_online = BooleanField(null=True)
    paper = CharField(max_length=10, default="unknown")
    scanner_connected = BooleanField(null=True)
    seq = BigIntegerField()
    occurred_at = DateTimeField()

    class Meta:
        indexes = ((("village", "device_id"), True),)


class Announcement(BaseModel):
    id = AutoField()
    title = CharField(max_length=200)
    body = TextField(default="")
    starts = DateTimeField(null=True)  # naive UTC
    ends = DateTimeField(null=True)
    all_villages = BooleanField(default=True)
    created_at = DateTimeField()
    created_by = CharField(max_length=80, default="")
    deleted_at = DateTimeField(null=True)


class AnnouncementTarget(BaseModel):
    announcement = ForeignKeyField(Announcement, on_delete="CASCADE")
    village = ForeignKeyField(Village, column_name="village_code", on_delete="CASCADE")

    class Meta:
        indexes = ((("announcement", "village"), True),)


class StaffUser(BaseModel):
    username = CharField(unique=True, max_length=80)
    password_hash = CharField(max_length=255)
    active = BooleanField(default=True)
    created_at = DateTimeField()


class LoginThrottle(BaseModel):
    """Failed dashboard logins per username (known or not); past the limit the name is locked for a while.

    Kept in the database, not in a worker's memory: gunicorn runs several workers and any of them may answer."""

    username = CharField(unique=True, max_length=80)
    failures = IntegerField(default=0)
    last_failure_at = DateTimeField()  # naive UTC
    locked_until = DateTimeField(null=True)


class Setting(BaseModel):
    key = CharField(primary_key=True, max_length=64)
    value = TextField()


ALL_MODELS = [Village, Event, DeviceState, Announcement, AnnouncementTarget, StaffUser, Setting]
