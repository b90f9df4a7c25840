"""What `make demo` adds to the demo village so a newcomer sees what the docs show: announcements (one with a
picture), a camera (a picture the edge itself serves), take-home links, officials, contacts and real office hours.

Not part of `serve --demo` (CONTRACTS.md section 1: services open all day, which the tests rely on); `tools/demo.py`
calls `seed_village_info` once, right after the edge server seeded its demo village.
"""
from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

from .db import write_transaction
from .info import announcements
from .info import cameras as camera_cache
from .models import Announcement, Service
from .models.info import Camera, Contact, Link, Official, ServiceHours

CAMERA_PATH = "/static/demo/kamera-balai-desa.jpg"
# Monday to Thursday 08.00-15.00, Friday 08.00-11.00 (Friday prayers), closed at the weekend.
OFFICE_HOURS = {**{str(day): [["08:00", "15:00"]] for day in range(4)}, "4": [["08:00", "11:00"]]}
LINKS = [("Layanan Kabupaten Rembang", "https://rembangkab.go.id", "Pengaduan dan izin daring"),
         ("Cek DTKS (bantuan sosial)", "https://cekbansos.kemensos.go.id", "Apakah keluarga Anda terdaftar")]


def poster(title: str, lines: list[str], size: tuple[int, int] = (800, 600)) -> bytes:
    """A simple announcement picture (JPEG): a coloured band with the title and a few lines."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", size, (250, 244, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0], 150), fill=(196, 92, 40))
    try:
        big = ImageFont.truetype("DejaVuSans-Bold.ttf", 56)
        small = ImageFont.truetype("DejaVuSans.ttf", 34)
    except OSError:
        big = small = ImageFont.load_default()
    draw.text((40, 45), title, fill=(255, 255, 255), font=big)
    for number, line in enumerate(lines):
        draw.text((40, 200 + number * 60), line, fill=(40, 40, 40), font=small)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82)
    return out.getvalue()


def seed_village_info(data_dir: str | Path, edge_url: str, now: datetime) -> dict:
    """Fill the information screens of the demo village (once: nothing happens when announcements exist).

    ``edge_url`` is where the edge answers on this machine (the camera is the edge's own demo picture);
    ``now`` is naive UTC. :returns: what was added, for the banner and demo.json.
    """
    if Announcement.select().exists():
        return {}
    with write_transaction():
        Official.create(name="Sutrisno", position="Kepala Desa", sort_order=1)
        Official.create(name="Siti Aminah", position="Sekretaris Desa", sort_order=2)
        Contact.create(label="Pelayanan (WhatsApp)", value="0812-0000-0000", kind="whatsapp", sort_order=1)
        Contact.create(label="Kantor desa", value="0295-000000", kind="phone", sort_order=2)
        Announcement.create(title="Kerja bakti Minggu pagi", body="Warga RT 01-05 berkumpul di balai desa "
                            "pukul 07.00. Bawa cangkul dan sapu.", audience="both")
        pictured = Announcement.create(title="Posyandu Balita", body="Setiap Selasa pukul 08.00 di Posyandu "
                                       "Melati. Bawa buku KIA.", audience="both")
        Camera.create(name="Balai Desa", location="Halaman depan", url=edge_url.rstrip("/") + CAMERA_PATH,
                      sort_order=1, refresh_seconds=60)
        for order, (title, url, description) in enumerate(LINKS, start=1):
            Link.create(title=title, url=url, description=description, sort_order=order)
        for service in Service.select():
            ServiceHours.get_or_create(service=service, defaults={"weekly": json.dumps(OFFICE_HOURS)})
    announcements.attach_image(pictured, poster("Posyandu Balita", ["Selasa, 08.00", "Posyandu Melati",
                                                                     "Bawa buku KIA"]), data_dir, now)
    camera_cache.refresh_due(data_dir, now)
    return {"village_info": {"announcements": 2, "cameras": 1, "links": len(LINKS),
                             "office_hours": "Senin-Kamis 08.00-15.00, Jumat 08.00-11.00"}}
