"""The village registry, staff accounts and the admin token: the hub's few secrets, created and rotated."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from anjungan_core.passwords import check_secret, dummy_hash, hash_secret
from anjungan_core.regions import dotted_village_code

from .db import write_transaction
from .models import Setting, StaffUser, Village
from .staff_sessions import end_all

ADMIN_TOKEN_KEY = "admin_token_sha256"


class RegistryError(ValueError):
    """A registry command cannot be done; the message says why."""


def new_secret() -> str:
    return secrets.token_urlsafe(32)  # 256 random bits


def _code(code: str) -> str:
    dotted = dotted_village_code(code)
    if dotted is None:
        raise RegistryError(f"{code!r} is not a village code (33.17.09.2016 or 3317092016)")
    return dotted


def add_village(code: str, name: str, now: datetime, secret: str | None = None) -> tuple[Village, str]:
    """Register a village; returns it and its secret (shown once)."""
    dotted = _code(code)
    if not name.strip():
        raise RegistryError("a village needs a name")
    secret = secret or new_secret()
    with write_transaction():
        if Village.get_or_none(Village.code == dotted) is not None:
            raise RegistryError(f"village {dotted} is already registered (use rotate for a new secret)")
        village = Village.create(code=dotted, name=name.strip(), secret=secret, active=True, created_at=now)
    return village, secret


def rotate_secret(code: str, now: datetime) -> str:
    """A new secret for a village (the old one stops working at once); also re-activates a revoked village."""
    dotted = _code(code)
    secret = new_secret()
    with write_transaction():
        if not Village.update(secret=secret, secret_rotated_at=now, active=True).where(
                Village.code == dotted).execute():
            raise RegistryError(f"village {dotted} is not registered")
    return secret


def revoke_village(code: str) -> None:
    """Refuse the village's batches from now on (its data stays)."""
    dotted = _code(code)
    with write_transaction():
        if not Village.update(active=False).where(Village.code == dotted).execute():
            raise RegistryError(f"village {dotted} is not registered")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_admin_token() -> str:
    """Replace the admin token of the summary API; returns it (stored hashed, shown once)."""
    token = secrets.token_urlsafe(32)
    with write_transaction():
        Setting.insert(key=ADMIN_TOKEN_KEY, value=_digest(token)).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: _digest(token)}).execute()
    return token


def admin_token_ok(token: str) -> bool:
    row = Setting.get_or_none(Setting.key == ADMIN_TOKEN_KEY)
    return bool(token and row and hmac.compare_digest(row.value, _digest(token)))


def add_staff(username: str, now: datetime, method: str, password: str | None = None) -> str:
    """Create or reset a dashboard login; returns the password (shown once, stored hashed)."""
    username = username.strip().lower()
    if not username or len(username) > 80:
        raise RegistryError("username must be 1-80 characters")
    password = password or secrets.token_urlsafe(12)
    hashed = hash_secret(password, method)
    with write_transaction():
        row = StaffUser.get_or_none(StaffUser.username == username)
        if row is None:
            StaffUser.create(username=username, password_hash=hashed, created_at=now)
        else:
            StaffUser.update(password_hash=hashed, active=True).where(StaffUser.id == row.id).execute()
            end_all(row.id)  # a reset password logs every browser out
    return password


def disable_staff(username: str) -> None:
    """Refuse a dashboard login from now on, and end its sessions at once."""
    with write_transaction():
        row = StaffUser.get_or_none(StaffUser.username == username.strip().lower())
        if row is None:
            raise RegistryError(f"no dashboard login {username!r}")
        StaffUser.update(active=False).where(StaffUser.id == row.id).execute()
        end_all(row.id)


def check_staff(username: str, password: str, method: str) -> StaffUser | None:
    """The active staff user with that password, or None (in the same time whether the name exists or not)."""
    user = StaffUser.get_or_none((StaffUser.username == username.strip().lower()) & StaffUser.active)
    if user is None:
        check_secret(dummy_hash(method), password)  # an unknown name costs what a wrong password costs
        return None
    return user if check_secret(user.password_hash, password) else None
