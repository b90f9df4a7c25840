"""Services, counters and tickets: the village queue."""
from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from ..db import BaseModel
from .device import Device
from .staff import StaffUser


class Service(BaseModel):
    code = CharField(unique=True, max_length=1)  # the ticket prefix, A-Z
    name = CharField()
    is_open = BooleanField(default=True)
    daily_cap = IntegerField(null=True)
    sort_order = IntegerField(default=0)


class Counter(BaseModel):
    number = IntegerField(unique=True)
    name = CharField(default="")


class CounterService(BaseModel):
    counter = ForeignKeyField(Counter, backref="service_links", on_delete="CASCADE")
    service = ForeignKeyField(Service, backref="counter_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("counter", "service"), True),)


class Ticket(BaseModel):
    # a uuid: 4 at first, then 7 (time-ordered); a kiosk's take with an Idempotency-Key, 8, derived from the device
    # and the key (queue/issuing.py), so a replay is found by id and the key needs no index
    id = CharField(primary_key=True)
    # No single-column indexes on these two: the composite indexes below start with them (edge migration 3).
    service = ForeignKeyField(Service, backref="tickets", index=False)
    issued_service = ForeignKeyField(Service, null=True, index=False)  # the number's prefix stays after a transfer
    business_date = DateField()  # no index of its own (edge migration 38): see queue.service.of_every_service
    number = IntegerField()
    priority = BooleanField(default=False)
    status = CharField(default="waiting")  # no index of its own (edge migration 33): the composites have it
    issued_at = DateTimeField()  # no index of its own (edge migration 32): the waiting-order index has it
    called_at = DateTimeField(null=True)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    # counter, staff, resident: partial indexes (WHERE ... IS NOT NULL) made by edge migration 31
    counter = ForeignKeyField(Counter, null=True, index=False)
    staff = ForeignKeyField(StaffUser, null=True, index=False)
    # looked up only with an older ticket's key (migrations 32, 33, 39: the partial key index)
    device = ForeignKeyField(Device, null=True, index=False)
    resident_id = IntegerField(null=True)
    recall_count = IntegerField(default=0)
    track_token = CharField()  # queue/track_tokens.py: found through the number's index (edge migration 39)
    source = CharField(default="kiosk")  # kiosk | counter
    printed = BooleanField(null=True)  # None: not reported yet
    print_error = TextField(default="")
    # A digest of the request an Idempotency-Key came with (a replay with another request is a conflict), and
    # for tickets taken before edge migration 39 the key itself (a unique partial index on device_id,
    # request_key: they keep their ids, which are not derived from the key).
    request_key = CharField(null=True)
    request_hash = CharField(null=True)

    class Meta:
        indexes = (
            (("issued_service", "business_date", "number"), True),
            (("service", "status", "business_date", "priority", "issued_at", "number"), False),  # waiting order
            # the recent service times of the estimate: ticket_service_id_status_finished_at, a partial index
            # (finished tickets only) made by edge migration 31
        )


class CallEvent(BaseModel):
    """Every call and recall, in order: the board and its voice read these."""

    ticket = ForeignKeyField(Ticket, on_delete="CASCADE")
    counter_number = IntegerField()
    number = CharField()  # "A-012"
    kind = CharField(default="call")  # call | recall
    at = DateTimeField(index=True)
    spoken_text = TextField(default="")
