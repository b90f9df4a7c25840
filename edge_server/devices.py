"""Pairing kiosks and boards, their tokens and heartbeats."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from .db import raw_first, write_transaction
from .errors import ApiError
from .models import Device, PairingCode, VillageProfile
from .security import new_numeric_code, new_token, token_digest

PRINTER_PAPER = ("ok", "low", "out", "unknown")
# Heartbeats come every 30 s; a device silent this long counts as offline (device.status events).
DEVICE_OFFLINE_SECONDS = 120


def create_pairing_code(now: datetime, minutes: int, created_by: str = "", code: str | None = None,
                        kind: str = "kiosk") -> str:
    """A 6-digit code that pairs one device, once, within `minutes`."""
    code = code or new_numeric_code(6)
    with write_transaction():
        PairingCode.delete().where(PairingCode.code_hash == token_digest(code)).execute()
        PairingCode.create(code_hash=token_digest(code), kind=kind, created_at=now,
                           expires_at=now + timedelta(minutes=minutes), created_by=created_by)
    return code


def check_pairing_code(code: str, now: datetime) -> PairingCode:
    """The pairing code's row if it would pair now; nothing is consumed (provisioning's --dry-run asks this)."""
    row = PairingCode.get_or_none(PairingCode.code_hash == token_digest(code))
    if row is None or row.used_at is not None or row.expires_at < now:
        raise ApiError(401, "invalid_pairing_code", _("Kode pemasangan salah atau sudah kedaluwarsa."))
    return row


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


_DEVICE_BY_TOKEN = (f"SELECT * FROM {Device._meta.table_name} WHERE token_hash = ? AND revoked_at IS NULL "
                    "LIMIT 1")


def device_for_token(token: str) -> Device | None:
    if not token:
        return None
    # Raw SQL: every kiosk request passes here, and building the statement cost more than running it.
    return raw_first(Device, _DEVICE_BY_TOKEN, token_digest(token))


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
    online, connected = printer.get("online", False), scanner.get("connected", False)
    if not isinstance(online, bool) or not isinstance(connected, bool):
        raise ApiError(400, "invalid_body", _("printer.online dan scanner.connected harus true atau false."))
    clean_printer = {"online": online, "paper": paper}
    clean_scanner = {"connected": connected}
    version = body.get("version", "")
    if not isinstance(version, str):
        raise ApiError(400, "invalid_body", _("version harus berupa teks."))
    if _status_changed(device, clean_printer, clean_scanner, now):
        from .sync.outbox import record_event

        with write_transaction():
            current = Device.get_by_id(device.id)
            if _status_changed(current, clean_printer, clean_scanner, now):
                record_event("device.status", village_business_date(now),
                             device_status_data(current, clean_printer, clean_scanner, online=True), now)
            _store_heartbeat(device.id, now, version, clean_printer, clean_scanner)
    else:
        _store_heartbeat(device.id, now, version, clean_printer, clean_scanner)
    return {"printer": clean_printer, "scanner": clean_scanner}


def _store_heartbeat(device_id: int, now: datetime, version: str, printer: dict, scanner: dict) -> None:
    Device.update(last_seen=now, version=version[:40], printer=json.dumps(printer),
                  scanner=json.dumps(scanner)).where(Device.id == device_id).execute()


def _status_changed(device: Device, printer: dict, scanner: dict, now: datetime) -> bool:
    """A new printer/scanner state, or a device coming back after being silent (the district hears of it)."""
    if device.last_seen is None or device.last_seen < now - timedelta(seconds=DEVICE_OFFLINE_SECONDS):
        return True
    return json.loads(device.printer or "{}") != printer or json.loads(device.scanner or "{}") != scanner


def device_status_data(device: Device, printer: dict, scanner: dict, online: bool) -> dict:
    """The `device.status` event body: no person's data, only the device's state."""
    return {"device_id": device.id, "device": device.name[:60], "kind": device.kind, "online": online,
            "printer": printer, "scanner": scanner}


def village_business_date(now: datetime) -> date:
    """The village's local date for a naive-UTC instant."""
    profile = VillageProfile.select().first()
    zone = ZoneInfo(profile.timezone if profile and profile.timezone else "Asia/Jakarta")
    return now.replace(tzinfo=timezone.utc).astimezone(zone).date()


def device_json(device: Device) -> dict:
    from .clock import to_iso

    return {"id": device.id, "name": device.name, "kind": device.kind, "last_seen": to_iso(device.last_seen),
            "printer": json.loads(device.printer or "{}"), "scanner": json.loads(device.scanner or "{}"),
            "version": device.version, "revoked": device.revoked_at is not None, "token_hint": device.token_hint}
