"""Peewee models, one module per aggregate, all bound late to `edge_server.db.database`."""
from .audit import AuditLog
from .device import Device, PairingCode
from .letters import LetterRequest, LetterSequence, LetterType
from .outbox import OutboxEvent, SyncState
from .queue import CallEvent, Counter, CounterService, Service, Ticket
from .residents import KioskSession, PinThrottle, Resident
from .staff import LoginThrottle, StaffSession, StaffUser
from .village import Announcement, RateLimit, VillageProfile

ALL_MODELS = [
    VillageProfile, Announcement, RateLimit, StaffUser, LoginThrottle, Device, PairingCode, Service, Counter,
    CounterService, Ticket, CallEvent, OutboxEvent, SyncState, AuditLog,
    StaffSession,
]

# Created by migration 10 (not by migration 1, which only knows ALL_MODELS).
LETTER_MODELS = [Resident, PinThrottle, KioskSession, LetterType, LetterSequence, LetterRequest]

__all__ = [m.__name__ for m in ALL_MODELS + LETTER_MODELS] + ["ALL_MODELS", "LETTER_MODELS"]

# Village information: created by migration 30 (not by migration 1).
from .info import AnnouncementImage, Camera, Contact, Holiday, Link, Official, ServiceHours  # noqa: E402

INFO_MODELS = [ServiceHours, Holiday, AnnouncementImage, Camera, Link, Official, Contact]
__all__ += [m.__name__ for m in INFO_MODELS] + ["INFO_MODELS"]
