"""Peewee models, one module per aggregate, all bound late to `edge_server.db.database`."""
from .audit import AuditLog
from .device import Device, PairingCode
from .outbox import OutboxEvent, SyncState
from .queue import CallEvent, Counter, CounterService, IdempotencyKey, Service, Ticket, TicketSequence
from .staff import LoginThrottle, StaffUser
from .village import Announcement, RateLimit, VillageProfile

ALL_MODELS = [
    VillageProfile, Announcement, RateLimit, StaffUser, LoginThrottle, Device, PairingCode, Service, Counter,
    CounterService, TicketSequence, Ticket, IdempotencyKey, CallEvent, OutboxEvent, SyncState, AuditLog,
]

__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS"]
