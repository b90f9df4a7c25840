"""The outbox: every change the district should know, written in the same transaction as the change."""
from peewee import CharField, DateField, DateTimeField, FloatField, IntegerField, TextField

from ..db import BaseModel


class OutboxEvent(BaseModel):
    seq = IntegerField(primary_key=True)  # 1, 2, 3 ... per village, no gaps; the rowid (edge migration 37)
    # Time-ordered uuid, by which the district stores each event once. Not indexed: nothing here looks an event
    # up by it (sync/store.py), and every ticket would write the index.
    id = CharField()
    type = CharField()
    occurred_at = DateTimeField()  # naive UTC
    business_date = DateField()
    data = TextField()  # JSON, never a NIK or a name
    acked_at = DateTimeField(null=True)  # indexed where set only (edge migration 35; sync/store.py _unacked)


class SyncState(BaseModel):
    """One row: where sync stands, for the console and for `sync --once`."""

    acked_through = IntegerField(default=0)
    clock_offset = FloatField(default=0.0)  # seconds to add to our clock to match the district's
    last_attempt = DateTimeField(null=True)
    last_success = DateTimeField(null=True)
    last_error = TextField(default="")
    failures = IntegerField(default=0)
    config_etag = CharField(default="")
