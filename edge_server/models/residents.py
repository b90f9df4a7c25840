"""Residents (penduduk), their kiosk sessions and the per-NIK PIN throttle."""
from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from ..db import BaseModel
from .device import Device


class Resident(BaseModel):
    """One person of the village, keyed by NIK. A NIK starting with 0 is a staff-recorded temporary one."""

    nik = CharField(unique=True, max_length=16)
    no_kk = CharField(default="", index=True)
    name = CharField(index=True)
    sex = CharField(default="")  # "L" | "P"
    birth_place = CharField(default="")
    birth_date = DateField(null=True)
    religion = CharField(default="")
    occupation = CharField(default="")
    marital_status = CharField(default="")
    address = CharField(default="")
    dusun = CharField(default="")
    rt = CharField(default="")
    rw = CharField(default="")
    # from OpenSID's reference tables, in the spelling of residents/opensid_codes.py (migration 11)
    education = CharField(default="")
    family_relation = CharField(default="")  # hubungan dalam keluarga (kk_level)
    citizenship = CharField(default="")
    blood_type = CharField(default="")
    disability = CharField(default="")
    life_status = CharField(default="")  # status_dasar: Hidup, Mati, Pindah, ...; not Hidup imports inactive
    rfid_uid = CharField(null=True, unique=True)  # the e-KTP chip UID as the reader types it
    pin_hash = CharField(null=True)  # slow salted hash (cfg.pin_hash); the PIN itself is never stored
    pin_set_at = DateTimeField(null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    @property
    def temporary(self) -> bool:
        return self.nik.startswith("0")


class PinThrottle(BaseModel):
    """Wrong PINs per NIK (keyed by a keyed digest, so unknown NIKs are not stored in clear)."""

    key = CharField(unique=True)
    failures = IntegerField(default=0)
    locked_until = DateTimeField(null=True)


class KioskSession(BaseModel):
    """A resident identified at one kiosk; the token is only stored as its sha256."""

    token_hash = CharField(unique=True)
    resident = ForeignKeyField(Resident, on_delete="CASCADE")
    device = ForeignKeyField(Device, on_delete="CASCADE")
    level = CharField()  # basic | full
    created_at = DateTimeField()
    expires_at = DateTimeField(index=True)
