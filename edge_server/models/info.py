"""Village information: office hours and holidays per service, public cameras, links, officials, contacts.

Created by migration 30 (not by migration 1). Announcements themselves stay in `village.Announcement`; an
uploaded picture for one lives in `AnnouncementImage`, so that model keeps its meaning for the board and sync.
"""
from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from ..db import BaseModel
from .queue import Service
from .village import Announcement


class ServiceHours(BaseModel):
    """A service's weekly opening hours; a service without a row is open every day all day."""

    service = ForeignKeyField(Service, unique=True, on_delete="CASCADE")
    weekly = TextField(default="{}")  # JSON {"0": [["08:00", "12:00"], ["13:00", "15:00"]], ...}; 0 = Monday


class Holiday(BaseModel):
    """A day the hall is closed: for every service (service is null) or for one."""

    day = DateField(index=True)
    name = CharField()
    service = ForeignKeyField(Service, null=True, on_delete="CASCADE")


class AnnouncementImage(BaseModel):
    """The picture staff uploaded for an announcement, stored (normalised JPEG) in the data dir."""

    announcement = ForeignKeyField(Announcement, unique=True, on_delete="CASCADE")
    filename = CharField()
    width = IntegerField()
    height = IntegerField()
    uploaded_at = DateTimeField()


class Camera(BaseModel):
    """A public camera (snapshot JPEG or MJPEG stream); the edge fetches it, kiosks only see the cached copy."""

    name = CharField()
    location = CharField(default="")
    url = CharField(max_length=1000)  # never sent to a kiosk: it may carry the camera's credentials
    active = BooleanField(default=True)
    sort_order = IntegerField(default=0)
    refresh_seconds = IntegerField(default=60)
    last_image_at = DateTimeField(null=True)  # naive UTC of the last good image
    last_attempt_at = DateTimeField(null=True)
    last_error = CharField(default="")
    failures = IntegerField(default=0)  # consecutive failed fetches


class Link(BaseModel):
    """A link residents can take home as a QR code (the regency app, the village website, a complaint form)."""

    title = CharField()
    url = CharField(max_length=1000)
    description = CharField(default="")
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)


class Official(BaseModel):
    """A person of the village government shown on the profile screen (kepala desa, sekretaris, kaur ...)."""

    name = CharField()
    position = CharField()
    sort_order = IntegerField(default=0)


class Contact(BaseModel):
    """A contact residents may use: phone, WhatsApp, e-mail, a social account."""

    label = CharField()
    value = CharField()
    kind = CharField(default="phone")  # phone | whatsapp | email | web | other
    sort_order = IntegerField(default=0)
