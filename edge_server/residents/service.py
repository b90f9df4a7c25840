"""Resident records against the database: import (upsert by NIK), search, staff edits, PINs and RFID tags."""
from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from peewee import fn

from anjungan_core.passwords import hash_secret
from drivers.idcard import InvalidNik, classify_scan, parse_nik

from ..db import database, write_transaction
from ..models import Resident

IDENTITY_COLUMNS = ("no_kk", "name", "sex", "birth_place", "birth_date", "religion", "occupation",
                    "marital_status", "address", "dusun", "rt", "rw")
# the OpenSID reference values only an import writes (the staff form leaves them as they are)
OPENSID_COLUMNS = ("education", "family_relation", "citizenship", "blood_type", "disability", "life_status")
BATCH = 5000  # rows per executemany call (progress is reported between calls)


class ResidentError(ValueError):
    """A staff edit that cannot be saved; the message is an Indonesian msgid, `params` fill it."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


def import_rows(rows: list[dict], now: datetime,
                progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
    """Insert new residents and update existing ones (by NIK) in one transaction: all or nothing.

    PINs and RFID tags of existing residents are kept, and so is their active flag unless the row says the
    resident is no longer alive here (`active` False: OpenSID's status_dasar is not HIDUP). An OpenSID column
    the file does not have (value None) leaves what is stored. Returns (created, updated).
    """
    # One prepared upsert run with executemany: ~10x faster than building a query per batch in peewee.
    table = Resident._meta.table_name
    columns = ("nik", *IDENTITY_COLUMNS, *OPENSID_COLUMNS, "active", "created_at", "updated_at")
    names = [getattr(Resident, c).column_name for c in columns]
    marks = ["?"] * (1 + len(IDENTITY_COLUMNS)) + ["COALESCE(?, '')"] * len(OPENSID_COLUMNS) + ["?"] * 3
    refresh = [f"{c} = excluded.{c}" for c in (*IDENTITY_COLUMNS, "updated_at")]
    refresh += [f'{c} = COALESCE(?, "{table}".{c})' for c in OPENSID_COLUMNS]
    refresh.append(f'active = CASE WHEN excluded.active THEN "{table}".active ELSE 0 END')
    sql = (f'INSERT INTO "{table}" ({", ".join(names)}) VALUES ({", ".join(marks)}) '
           f'ON CONFLICT("nik") DO UPDATE SET ' + ", ".join(refresh))

    def params(r: dict) -> tuple:
        extras = tuple(r.get(c) for c in OPENSID_COLUMNS)
        return (r["nik"], *(r[c] for c in IDENTITY_COLUMNS), *extras, r.get("active", True), now, now, *extras)

    created = 0
    with write_transaction():
        known = {nik for (nik,) in Resident.select(Resident.nik).tuples()}
        connection = database.connection()
        for start in range(0, len(rows), BATCH):
            chunk = rows[start:start + BATCH]
            connection.executemany(sql, [params(r) for r in chunk])
            created += sum(1 for r in chunk if r["nik"] not in known)
            if progress:
                progress(start + len(chunk), len(rows))
    return created, len(rows) - created


def search(query: str, limit: int = 50, offset: int = 0) -> list[Resident]:
    """Residents whose NIK or KK starts with the digits typed, or whose name contains every word typed."""
    query = " ".join((query or "").split())[:80]
    select = Resident.select().order_by(Resident.name, Resident.nik)
    if query.isascii() and query.isdigit():
        select = select.where(Resident.nik.startswith(query) | Resident.no_kk.startswith(query))
    elif query:
        for word in query.split():
            select = select.where(fn.LOWER(Resident.name).contains(word.lower()))
    return list(select.limit(limit).offset(offset))


def validate_nik(nik: str, today) -> str:
    """A NIK staff typed; temporary NIKs (starting with 0, e.g. OpenSID's `0` + village code + serial) are
    allowed here.

    :raises ResidentError: with the reason it is not valid.
    """
    nik = (nik or "").strip()
    if len(nik) == 16 and nik.isascii() and nik.isdigit() and nik[0] == "0":
        return nik
    try:
        return parse_nik(nik, today=today, allow_temporary=True).nik
    except InvalidNik as exc:
        raise ResidentError("NIK tidak valid: %(why)s", why=exc.reason) from None


def save_resident(values: dict, now: datetime, resident: Resident | None = None) -> Resident:
    """Create a resident or update one from the staff form.

    :raises ResidentError: when the NIK is invalid or taken, or the name is empty.
    """
    nik = validate_nik(values.get("nik", ""), now.date())
    if not values.get("name", "").strip():
        raise ResidentError("Nama wajib diisi.")
    fields = {c: (values.get(c) or "").strip() if c != "birth_date" else values.get(c) for c in IDENTITY_COLUMNS}
    with write_transaction():
        other = Resident.get_or_none((Resident.nik == nik) & (Resident.id != (resident.id if resident else 0)))
        if other is not None:
            raise ResidentError("NIK itu sudah terdaftar untuk penduduk lain.")
        if resident is None:
            return Resident.create(nik=nik, created_at=now, updated_at=now, **fields)
        Resident.update(nik=nik, updated_at=now, **fields).where(Resident.id == resident.id).execute()
    return Resident.get_by_id(resident.id)


def new_pin() -> str:
    """Six random digits, never an obvious one (all the same, or a straight run up or down)."""
    while True:
        pin = "".join(secrets.choice("0123456789") for _ in range(6))
        steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
        if steps not in ({0}, {1}, {-1}):
            return pin


def set_pin(resident: Resident, pin_hash_method: str, now: datetime, pin: str | None = None) -> str:
    """Give the resident a new PIN (random unless given); returns it so staff can show or print it once."""
    pin = pin or new_pin()
    if len(pin) != 6 or not pin.isdigit():
        raise ResidentError("PIN harus 6 angka.")
    hashed = hash_secret(pin, pin_hash_method)
    Resident.update(pin_hash=hashed, pin_set_at=now, updated_at=now).where(Resident.id == resident.id).execute()
    return pin


def clear_pin(resident: Resident, now: datetime) -> None:
    Resident.update(pin_hash=None, pin_set_at=None, updated_at=now).where(Resident.id == resident.id).execute()


def set_rfid(resident: Resident, scanned: str, now: datetime) -> str:
    """Register the e-KTP chip UID the USB reader typed.

    :raises ResidentError: when it is no tag UID or another resident has it.
    """
    scan = classify_scan(scanned or "")
    if scan.kind != "rfid" or not scan.valid:
        raise ResidentError("Itu bukan UID kartu e-KTP. Tempelkan kartu pada pembaca.")
    with write_transaction():
        owner = Resident.get_or_none(Resident.rfid_uid == scan.value)
        if owner is not None and owner.id != resident.id:
            raise ResidentError("Kartu itu sudah terdaftar untuk penduduk lain.")
        Resident.update(rfid_uid=scan.value, updated_at=now).where(Resident.id == resident.id).execute()
    return scan.value


def clear_rfid(resident: Resident, now: datetime) -> None:
    Resident.update(rfid_uid=None, updated_at=now).where(Resident.id == resident.id).execute()


def set_active(resident: Resident, active: bool, now: datetime) -> None:
    Resident.update(active=active, updated_at=now).where(Resident.id == resident.id).execute()


def count() -> int:
    return Resident.select().count()
