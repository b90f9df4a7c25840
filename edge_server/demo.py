"""Demo data for `serve --demo` (CONTRACTS.md section 1): Desa Mojowarno, ready to use."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from anjungan_core.files import atomic_write
from anjungan_core.passwords import hash_secret

from .clock import Clock, to_iso
from .config import EdgeConfig
from .db import write_transaction
from .devices import create_pairing_code, register_device
from .models import Counter, CounterService, Service, StaffUser, VillageProfile
from .security import new_password

VILLAGE = {
    "code": "33.17.09.2016", "name": "Mojowarno", "kecamatan": "Kaliori", "kabupaten": "Rembang",
    "province": "Jawa Tengah", "address": "Jl. Raya Mojowarno No. 1", "postcode": "59252",
    "phone": "0295-000000", "timezone": "Asia/Jakarta", "head_name": "Sutrisno", "head_title": "Kepala Desa",
}
SERVICES = [("A", "Administrasi Kependudukan"), ("B", "Surat Keterangan"), ("C", "Pengaduan dan Informasi")]
COUNTERS = [(1, "Loket 1", "AB"), (2, "Loket 2", "ABC")]
PAIRING_CODE = "123456"


def seed_demo(cfg: EdgeConfig, clock: Clock, edge_url: str) -> dict:
    """Fill an empty database with the demo village; returns the demo.json content."""
    now = clock.utcnow()
    staff = []
    village = {**VILLAGE, "timezone": cfg.timezone}  # the configured zone: a WITA demo shows WITA everywhere
    with write_transaction():
        if VillageProfile.select().exists():  # made from the configuration at start: complete it
            VillageProfile.update(**village).execute()
        else:
            VillageProfile.create(**village)
        for order, (code, name) in enumerate(SERVICES):
            Service.create(code=code, name=name, is_open=True, daily_cap=None, sort_order=order)
        for number, name, codes in COUNTERS:
            counter = Counter.create(number=number, name=name)
            for code in codes:
                CounterService.create(counter=counter, service=Service.get(Service.code == code))
        for username, role, display in (("admin", "admin", "Admin Desa"), ("operator", "operator", "Operator")):
            password = new_password()
            StaffUser.create(username=username, password_hash=hash_secret(password, cfg.password_hash), role=role,
                             display_name=display, created_at=now)
            staff.append({"username": username, "password": password, "role": role})
        _device, token = register_device("Kiosk Lobi", "kiosk", now)
    create_pairing_code(now, cfg.pairing_code_minutes, created_by="demo", code=PAIRING_CODE)
    expires = now + timedelta(minutes=cfg.pairing_code_minutes)
    demo = {"edge_url": edge_url, "village": {"code": VILLAGE["code"], "name": VILLAGE["name"]},
            "staff": staff, "kiosk_token": token, "pairing_code": PAIRING_CODE,
            "pairing_code_expires_at": to_iso(expires),
            "pairing_code_expires_local": clock.shown(expires, "%d-%m-%Y %H:%M"), "residents": []}
    from .residents.demo import seed_residents

    demo.update(seed_residents(cfg, clock))
    return demo


def write_demo_json(data_dir: str | Path, demo: dict) -> Path:
    """demo.json (passwords inside: mode 0600), written whole or not at all."""
    return atomic_write(Path(data_dir) / "demo.json", json.dumps(demo, indent=2, ensure_ascii=False), mode=0o600)

