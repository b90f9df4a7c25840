"""Kiosks and display boards paired with this edge server, and one-time pairing codes."""
from peewee import CharField, DateTimeField, TextField

from ..db import BaseModel


class Device(BaseModel):
    name = CharField()
    kind = CharField(default="kiosk")  # kiosk | display
    token_hash = CharField(unique=True)  # sha256 of a 256-bit random token: the token itself is never stored
    token_hint = CharField(default="")  # last 4 characters, to tell tokens apart in the console
    created_at = DateTimeField()
    revoked_at = DateTimeField(null=True)
    last_seen = DateTimeField(null=True)
    version = CharField(default="")
    printer = TextField(default="{}")  # JSON from the last heartbeat
    scanner = TextField(default="{}")


class PairingCode(BaseModel):
    code_hash = CharField(unique=True)
    kind = CharField(default="kiosk")
    created_at = DateTimeField()
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    created_by = CharField(default="")
