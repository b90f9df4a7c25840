"""Staff users of the console and their login throttle."""
from peewee import BooleanField, CharField, DateTimeField, IntegerField

from ..db import BaseModel

ROLES = ("operator", "admin")


class StaffUser(BaseModel):
    username = CharField(unique=True)
    password_hash = CharField()
    role = CharField(default="operator")
    display_name = CharField(default="")
    language = CharField(default="id")
    active = BooleanField(default=True)
    counter_number = IntegerField(null=True)
    created_at = DateTimeField()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class LoginThrottle(BaseModel):
    """Failed logins per username; past the limit the name is locked for a while, whatever the address."""

    username = CharField(unique=True)
    failures = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
