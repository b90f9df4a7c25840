"""Demo data: the 23 villages of Kecamatan Kaliori (Kabupaten Rembang), an admin token and a staff login."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from anjungan_core.files import atomic_write

from .models import Village
from .registry import add_staff, add_village, new_admin_token

# 33.17.09.2001 .. 2023. Mojowarno (2016) is the project's reference village; the other names are the villages
# of Kaliori as we know them, in code order as best we know it.
KALIORI = [
    "Banggi", "Bogoharjo", "Dresi Kulon", "Dresi Wetan", "Gunungsari", "Kaliori", "Karangsekar", "Logede",
    "Maguan", "Meteseh", "Pantiharjo", "Purworejo", "Sambiyan", "Sendangagung", "Sidomulyo", "Mojowarno",
    "Tambakagung", "Tasikharjo", "Wiroto", "Babadan", "Banyudono", "Tambakan", "Kuangsan",
]
KALIORI_CODES = {f"33.17.09.{2001 + i}": name for i, name in enumerate(KALIORI)}


def seed_demo(data_dir: str | Path, district_url: str, now: datetime, password_method: str) -> dict | None:
    """Register the Kaliori villages and write DIR/demo.json; does nothing when villages already exist."""
    if Village.select().exists():
        return None
    villages = {}
    for code, name in KALIORI_CODES.items():
        _village, secret = add_village(code, name, now)
        villages[code] = {"name": name, "secret": secret}
    demo = {"district_url": district_url, "admin_token": new_admin_token(), "villages": villages,
            "staff": [{"username": "dinas", "password": add_staff("dinas", now, password_method)}]}
    atomic_write(Path(data_dir) / "demo.json", json.dumps(demo, indent=2, ensure_ascii=False), mode=0o600)
    return demo
