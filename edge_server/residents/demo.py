"""Synthetic residents for `serve --demo`: valid NIKs (mostly Kecamatan Kaliori, 331709), Indonesian names,
families sharing a KK, about half with a PIN and a registered e-KTP tag. Deterministic, so demos repeat."""
from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from anjungan_core.passwords import hash_secret
from drivers.idcard import make_nik

from ..clock import Clock
from ..config import EdgeConfig
from ..db import write_transaction
from ..models import Resident

COUNT = 220
LISTED = 12  # residents written to demo.json; the first 8 have a PIN and a tag
MALE = ["Budi", "Agus", "Slamet", "Joko", "Sutrisno", "Bambang", "Wahyu", "Eko", "Heru", "Imam", "Rizki", "Dimas",
        "Sugeng", "Teguh", "Yusuf", "Ahmad", "Fajar", "Hendra", "Purnomo", "Suyanto"]
FEMALE = ["Siti", "Sri", "Dewi", "Ani", "Wati", "Endang", "Lestari", "Rina", "Yuni", "Nur", "Tri", "Puji",
          "Aisyah", "Fitri", "Indah", "Kartini", "Ratna", "Sumiati", "Winarti", "Suparmi"]
LAST = ["Santoso", "Wibowo", "Rahayu", "Susanto", "Hidayat", "Setiawan", "Purwanto", "Lestari", "Handayani",
        "Saputra", "Wijaya", "Kurniawan", "Utami", "Prasetyo", "Nugroho", "Maryani", "Hartono", "Suryani"]
PLACES = ["Rembang", "Rembang", "Rembang", "Pati", "Blora", "Kudus", "Semarang", "Lasem"]
RELIGIONS = ["Islam"] * 9 + ["Kristen"]
JOBS = ["Petani/Pekebun", "Nelayan/Perikanan", "Wiraswasta", "Buruh Harian Lepas", "Mengurus Rumah Tangga",
        "Pedagang", "Karyawan Swasta", "Pelajar/Mahasiswa", "Guru", "Perangkat Desa"]
DUSUN = ["Krajan", "Mojo Lor", "Mojo Kidul", "Sidomulyo"]
STREETS = ["Jl. Kenanga", "Jl. Melati", "Jl. Mawar", "Jl. Pantura", "Jl. Masjid", "Gg. Mangga"]
OTHER_DISTRICTS = ["331708", "331710", "331701"]  # a few people registered elsewhere in Rembang


def _people(rng: random.Random) -> list[dict]:
    people = []
    family_kk = ""
    for index in range(COUNT):
        if index % 4 == 0:  # a new family every four people
            registered = date(2005, 1, 1) + timedelta(days=rng.randrange(0, 6000))
            family_kk = f"331709{registered:%d%m%y}{index // 4 + 1:04d}"
            dusun, rt, rw = rng.choice(DUSUN), f"{rng.randint(1, 6):03d}", f"{rng.randint(1, 3):03d}"
        sex = "L" if rng.random() < 0.5 else "P"
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 20000))
        prefix = "331709" if rng.random() < 0.9 else rng.choice(OTHER_DISTRICTS)
        first = rng.choice(MALE if sex == "L" else FEMALE)
        people.append({
            "nik": make_nik(prefix, born, sex, index + 1), "no_kk": family_kk, "name": f"{first} {rng.choice(LAST)}",
            "sex": sex, "birth_place": rng.choice(PLACES), "birth_date": born, "religion": rng.choice(RELIGIONS),
            "occupation": rng.choice(JOBS), "marital_status": "Kawin" if born.year < 1998 else "Belum Kawin",
            "address": f"{rng.choice(STREETS)} No. {rng.randint(1, 60)}", "dusun": dusun, "rt": rt, "rw": rw,
        })
    return people


def seed_residents(cfg: EdgeConfig, clock: Clock) -> dict:
    """Insert the demo residents; returns {"residents": [...]} for demo.json (with PINs and tag UIDs)."""
    rng = random.Random(3317092016)
    people = _people(rng)
    with_card = [i for i in range(COUNT) if i < 8 or (i >= LISTED and i % 2 == 0)]
    # Listed residents get their own PIN; the others share a few, so seeding hashes 12 PINs, not 112
    # (every test app seeds the demo). Each resident still has a real salted hash of a real PIN.
    pool = [f"{rng.randint(0, 999999):06d}" for _ in range(LISTED - 8 + 4)]
    pins = {i: f"{rng.randint(0, 999999):06d}" if i < LISTED else pool[i % len(pool)] for i in with_card}
    tags: dict[int, str] = {}
    while len(tags) < len(with_card):  # 10-digit decimal UIDs, as cheap USB readers type them; all different
        uid = str(rng.randint(1_000_000_000, 4_294_967_295))
        if uid not in tags.values():
            tags[with_card[len(tags)]] = uid
    distinct = sorted(set(pins.values()))
    with ThreadPoolExecutor(max_workers=4) as workers:  # scrypt releases the GIL
        hashed = workers.map(lambda pin: hash_secret(pin, cfg.pin_hash), distinct)
        by_pin = dict(zip(distinct, hashed, strict=True))
    hashes = {i: by_pin[pin] for i, pin in pins.items()}
    now = clock.utcnow()
    rows = [{**person, "pin_hash": hashes.get(i), "pin_set_at": now if i in hashes else None,
             "rfid_uid": tags.get(i), "created_at": now, "updated_at": now} for i, person in enumerate(people)]
    with write_transaction():
        for start in range(0, len(rows), 200):
            Resident.insert_many(rows[start:start + 200]).execute()
    listed = []
    for i in range(LISTED):
        entry = {"nik": people[i]["nik"], "name": people[i]["name"]}
        if i in pins:
            entry.update(pin=pins[i], rfid=tags[i])
        listed.append(entry)
    return {"residents": listed}
