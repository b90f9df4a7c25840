"""Who is at the kiosk: identify by scan (NIK barcode/QR or e-KTP tag) or NIK + PIN, kiosk sessions, PIN lockout.

Sessions carry 256 random bits, are stored only as their sha256, expire after `kiosk_session_seconds` and
belong to the device that made them. Wrong PINs are counted per NIK whatever the kiosk; each try is counted
*before* the slow hash is checked, so parallel guesses cannot slip past the limit.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _

from anjungan_core.lockout import LockoutRule
from anjungan_core.nik import mask_name, mask_nik
from anjungan_core.passwords import check_secret, dummy_hash
from drivers.idcard import classify_scan

from .. import lockouts
from ..clock import Clock
from ..config import EdgeConfig
from ..db import write_transaction
from ..errors import ApiError
from ..models import Device, KioskSession, PinThrottle, Resident
from ..security import new_token, token_digest

log = logging.getLogger(__name__)
BASIC, FULL = "basic", "full"


@dataclass(frozen=True)
class Identified:
    token: str
    level: str
    expires_in: int
    resident: Resident

    def to_json(self) -> dict:
        return {"session": self.token, "level": self.level, "expires_in": self.expires_in,
                "resident": {"name_masked": mask_name(self.resident.name),
                             "nik_masked": mask_nik(self.resident.nik)}}


def _usable(resident: Resident | None) -> Resident | None:
    """Inactive residents and temporary NIKs never identify themselves at a kiosk."""
    if resident is None or not resident.active or resident.temporary:
        return None
    return resident


def open_session(resident: Resident, level: str, device: Device, cfg: EdgeConfig, now: datetime) -> Identified:
    token = new_token()
    with write_transaction():
        KioskSession.delete().where(KioskSession.expires_at < now).execute()
        KioskSession.create(token_hash=token_digest(token), resident=resident, device=device, level=level,
                            created_at=now, expires_at=now + timedelta(seconds=cfg.kiosk_session_seconds))
    log.info("resident %s identified on device %s (%s)", mask_nik(resident.nik), device.id, level)
    return Identified(token, level, cfg.kiosk_session_seconds, resident)


def identify_scan(raw: str, device: Device, cfg: EdgeConfig, clock: Clock) -> Identified:
    """A scanned NIK gives a basic session, a registered e-KTP tag a full one.

    :raises ApiError: 400 invalid_scan (garbage, KK, invalid or temporary NIK), 404 unknown_resident.
    """
    scan = classify_scan(raw, today=clock.business_date())
    if scan.kind == "nik" and scan.valid:
        resident = _usable(Resident.get_or_none(Resident.nik == scan.value))
        level = BASIC
    elif scan.kind == "rfid" and scan.valid:
        resident = _usable(Resident.get_or_none(Resident.rfid_uid == scan.value))
        level = FULL
    elif scan.kind == "kk":
        raise ApiError(400, "invalid_scan", _("Itu nomor Kartu Keluarga. Pindai KTP atau kartu layanan Anda."))
    elif scan.kind == "nik":
        raise ApiError(400, "invalid_scan", _("NIK pada kartu tidak bisa dipakai di anjungan. Silakan ke loket."))
    else:
        raise ApiError(400, "invalid_scan", _("Kartu tidak dikenali. Pindai KTP, KK digital atau kartu e-KTP."))
    if resident is None:
        raise ApiError(404, "unknown_resident", _("Data penduduk tidak ditemukan. Silakan ke loket."))
    return open_session(resident, level, device, cfg, clock.utcnow())


def _throttle_key(nik: str, secret: str) -> str:
    return hmac.new(secret.encode(), nik.encode(), hashlib.sha256).hexdigest()


def _locked_error(cfg: EdgeConfig) -> ApiError:
    return ApiError(429, "locked", _("PIN salah %(n)s kali. Coba lagi dalam %(s)s detik.",
                                     n=cfg.pin_max_failures, s=cfg.pin_lock_seconds))


def identify_pin(nik: object, pin: object, device: Device, cfg: EdgeConfig, clock: Clock,
                 secret: str) -> Identified:
    """A NIK with its PIN gives a full session.

    :raises ApiError: 400 invalid_body (not 16 digits, temporary NIK), 429 locked, 401 wrong_pin (also for a
        NIK that is no resident, so NIKs cannot be probed).
    """
    if not isinstance(nik, str) or not isinstance(pin, str):
        raise ApiError(400, "invalid_body", _("nik dan pin harus berupa teks."))
    nik = nik.strip()
    if len(nik) != 16 or not nik.isascii() or not nik.isdigit():
        raise ApiError(400, "invalid_body", _("NIK harus 16 angka."))
    if nik.startswith("0"):
        raise ApiError(400, "invalid_body", _("NIK sementara tidak bisa dipakai di anjungan. Silakan ke loket."))
    now = clock.utcnow()
    key = _throttle_key(nik, secret)
    rule = LockoutRule(cfg.pin_max_failures, cfg.pin_lock_seconds)
    if not lockouts.reserve(PinThrottle, PinThrottle.key, key, rule, now):
        raise _locked_error(cfg)
    resident = _usable(Resident.get_or_none(Resident.nik == nik))
    stored = resident.pin_hash if resident is not None and resident.pin_hash else None
    if stored is None:  # spend the same time as a real check, then answer like a wrong PIN
        stored = dummy_hash(cfg.pin_hash)
        resident = None
    ok = check_secret(stored, pin[:64]) and resident is not None
    if not ok:
        log.info("wrong PIN for %s on device %s", mask_nik(nik), device.id)
        raise ApiError(401, "wrong_pin", _("NIK atau PIN salah."))
    lockouts.clear(PinThrottle, PinThrottle.key, key)
    return open_session(resident, FULL, device, cfg, now)


def resolve_session(token: str, device: Device, clock: Clock) -> KioskSession:
    """The live session of an `X-Kiosk-Session` token made on this device.

    :raises ApiError: 401 invalid_session when missing, unknown, expired, another device's or inactive.
    """
    session = None
    if token and len(token) <= 200:
        session = KioskSession.get_or_none(KioskSession.token_hash == token_digest(token))
    if (session is None or session.device_id != device.id or session.expires_at <= clock.utcnow()
            or _usable(session.resident) is None):
        raise ApiError(401, "invalid_session", _("Sesi tidak berlaku atau sudah habis. Silakan identifikasi ulang."))
    return session


def require_full(session: KioskSession) -> None:
    """:raises ApiError: 403 pin_required for a basic (scanned NIK) session."""
    if session.level != FULL:
        raise ApiError(403, "pin_required", _("Masukkan PIN atau tempelkan e-KTP untuk layanan surat."))
