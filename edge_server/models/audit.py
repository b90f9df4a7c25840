"""Who did what, when: staff actions on residents, letters, devices and settings."""
from peewee import CharField, DateTimeField, TextField

from ..db import BaseModel


class AuditLog(BaseModel):
    at = DateTimeField(index=True)
    actor = CharField()
    action = CharField()
    target = CharField(default="")
    detail = TextField(default="")
