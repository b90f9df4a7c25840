"""Staff users of the console and their login throttle."""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

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


class StaffSession(BaseModel):
    """A console login kept on the server. The cookie holds only its random token (this row has the sha256),
    so deleting the row ends the login at once: logout, a password change, the user disabled, idle too long."""

    token_hash = CharField(unique=True)
    staff = ForeignKeyField(StaffUser, on_delete="CASCADE", index=True)
    created_at = DateTimeField()
    last_seen = DateTimeField()
