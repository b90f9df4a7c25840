"""Pairing kiosks and boards, their tokens and heartbeats."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from flask_babel import gettext as _

from .db import write_transaction
from .errors import ApiError
from .models import Device, PairingCode
from .security import new_numeric_code, new_token, token_digest

PRINTER_PAPER = ("ok", "low", "out", "unknown")


def create_pairing_code(now: datetime, minutes: int, created_by: str = "", code: str | None = None,
                        kind: str = "kiosk") -> str:
    """A 6-digit code that pairs one device, once, within `minutes`."""
    code = code or new_numeric_code(6)
    with write_transaction():
        PairingCode.delete().where(PairingCode.code_hash == token_digest(code)).execute()
        PairingCode.create(code_hash=token_digest(code), kind=kind, created_at=now,
                           expires_at=now + timedelta(minutes=minutes), created_by=created_by)
    return code


def pair(code: str, name: str, now: datetime) -> tuple[Device, str]:
    """Exchange a pairing code for a device token (returned once, stored hashed)."""
    with write_transaction():
        row = PairingCode.get_or_none(PairingCode.code_hash == token_digest(code))
        if row is None or row.used_at is not None or row.expires_at < now:
            raise ApiError(401, "invalid_pairing_code", _("Kode pemasangan salah atau sudah kedaluwarsa."))
        PairingCode.update(used_at=now).where(PairingCode.id == row.id).execute()
        token = new_token()
        device = Device.create(name=name, kind=row.kind, token_hash=token_digest(token), token_hint=token[-4:],
                               created_at=now)
    return device, token


def register_device(name: str, kind: str, now: datetime, token: str | None = None) -> tuple[Device, str]:
    """Create a device directly (demo data, tests)."""
    token = token or new_token()
    device = Device.create(name=name, kind=kind, token_hash=token_digest(token), token_hint=token[-4:],
                           created_at=now)
    return device, token


def device_for_token(token: str) -> Device | None:
    if not token:
        return None
    return Device.get_or_none((Device.token_hash == token_digest(token)) & (Device.revoked_at.is_null()))


def revoke(device_id: int, now: datetime) -> None:
    Device.update(revoked_at=now).where(Device.id == device_id).execute()


def record_heartbeat(device: Device, body: dict, now: datetime) -> dict:
    """Store what a kiosk says about itself; returns the cleaned status."""
    printer = body.get("printer") or {}
    scanner = body.get("scanner") or {}
    if not isinstance(printer, dict) or not isinstance(scanner, dict):
        raise ApiError(400, "invalid_body", _("printer dan scanner harus berupa objek."))
    paper = printer.get("paper", "unknown")
    if paper not in PRINTER_PAPER:
        raise ApiError(400, "invalid_body", _("printer.paper harus ok, low, out atau unknown."))
    clean_printer = {"online": bool(printer.get("online", False)), "paper": paper}
    clean_scanner = {"connected": bool(scanner.get("connected", False))}
    version = body.get("version", "")
    if not isinstance(version, str):
        raise ApiError(400, "invalid_body", _("version harus berupa teks."))
    Device.update(last_seen=now, version=version[:40], printer=json.dumps(clean_printer),
                  scanner=json.dumps(clean_scanner)).where(Device.id == device.id).execute()
    return {"printer": clean_printer, "scanner": clean_scanner}


def device_json(device: Device) -> dict:
    from .clock import to_iso

    return {"id": device.id, "name": device.name, "kind": device.kind, "last_seen": to_iso(device.last_seen),
            "printer": json.loads(device.printer or "{}"), "scanner": json.loads(device.scanner or "{}"),
            "version": device.version, "revoked": device.revoked_at is not None, "token_hint": device.token_hint}
