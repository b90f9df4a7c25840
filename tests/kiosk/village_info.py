"""Village information for the kiosk tests, written into the real edge server's database as staff would leave it:
announcements (one with a picture), officials and contacts, a service closed today, public cameras fetched by the
edge from a local HTTP server (one live, one that stopped answering), and two take-home links.

The edge demo has none of these. The models are bound to the edge's SQLite file only while seeding.
"""

from __future__ import annotations

import io
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

LINK_URL = "https://rembangkab.go.id/layanan"
CLOSED_SERVICE = "Pengaduan Warga"


def jpeg(colour: tuple[int, int, int], size: tuple[int, int] = (640, 480)) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((size[0] // 4, size[1] // 3, size[0] * 3 // 4, size[1] * 2 // 3), fill=(240, 240, 240))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


class CameraServer:
    """A camera on 127.0.0.1: ``/live.jpg`` always answers, ``/dead.jpg`` until ``dead`` is set."""

    def __init__(self) -> None:
        self.dead = False
        pictures = {"/live.jpg": jpeg((40, 110, 60)), "/dead.jpg": jpeg((90, 70, 140))}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                body = pictures.get(self.path)
                if body is None or (self.path == "/dead.jpg" and server.dead):
                    self.send_error(503)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def seed(data_dir: str, cameras: CameraServer) -> dict[str, Any]:
    """Write the village information into the edge's database; returns what the tests look for."""
    from edge_server.db import database, open_database
    from edge_server.info import announcements
    from edge_server.info import cameras as camera_cache
    from edge_server.models import Announcement
    from edge_server.models.info import Camera, Contact, Link, Official
    from edge_server.models.village import VillageProfile

    previous = database.obj
    db = open_database(os.path.join(data_dir, "edge.sqlite3"))
    try:
        now = datetime.now(UTC).replace(tzinfo=None)
        with db.atomic():
            VillageProfile.update(head_name="Sutrisno", head_title="Kepala Desa", phone="0295-000000").execute()
            Official.create(name="Siti Aminah", position="Sekretaris Desa", sort_order=1)
            Official.create(name="Bambang Riyadi", position="Kaur Keuangan", sort_order=2)
            Contact.create(label="Pelayanan (WhatsApp)", value="0812-3456-7890", kind="whatsapp")
            plain = Announcement.create(title="Kerja bakti Minggu pagi", body="Warga RT 01-05 berkumpul di balai "
                                        "desa pukul 07.00.", audience="kiosk")
            pictured = Announcement.create(title="Posyandu Balita", body="Setiap Selasa pukul 08.00 di Posyandu "
                                           "Melati. Bawa buku KIA.", audience="both")
            live = Camera.create(name="Simpang Kaliori", location="Jl. Raya Rembang", url=f"{cameras.url}/live.jpg",
                                 sort_order=1)
            dead = Camera.create(name="Pasar Desa", location="Depan pasar", url=f"{cameras.url}/dead.jpg",
                                 sort_order=2)
            links = [Link.create(title="Layanan Kabupaten", url=LINK_URL, description="Pengaduan dan izin online",
                                 sort_order=1),
                     Link.create(title="Website Desa", url="https://mojowarno.desa.id", sort_order=2)]
        announcements.attach_image(pictured, jpeg((200, 120, 40), (800, 600)), data_dir, now)
        # The edge's own fetch: the dead camera worked an hour ago, then stopped answering.
        assert camera_cache.refresh_camera(Camera.get_by_id(dead.id), data_dir, now - timedelta(hours=1))
        cameras.dead = True
        assert not camera_cache.refresh_camera(Camera.get_by_id(dead.id), data_dir, now - timedelta(seconds=30))
        assert camera_cache.refresh_camera(Camera.get_by_id(live.id), data_dir, now)
        return {"announcements": [plain.title, pictured.title],
                "cameras": {"live": live.name, "dead": dead.name}, "links": [link.url for link in links],
                "officials": ["Siti Aminah", "Sekretaris Desa"], "head": "Sutrisno"}
    finally:
        db.close()
        database.initialize(previous)


@contextmanager
def closed_service(data_dir: str) -> Iterator[str]:
    """A fourth service, open every day but today from 08.00 to 12.00, for as long as the block runs (the other
    tests and the screenshots expect the demo's three services)."""
    from edge_server.db import database, open_database
    from edge_server.models import Service
    from edge_server.models.info import ServiceHours
    from edge_server.models.village import VillageProfile

    previous = database.obj
    db = open_database(os.path.join(data_dir, "edge.sqlite3"))
    try:
        today = datetime.now(ZoneInfo(VillageProfile.select().first().timezone)).weekday()
        with db.atomic():
            service = Service.create(code="P", name=CLOSED_SERVICE, sort_order=9)
            ServiceHours.create(service=service, weekly=json.dumps(
                {str(day): [["08:00", "12:00"]] for day in range(7) if day != today}))
        yield CLOSED_SERVICE
    finally:
        with db.atomic():
            ServiceHours.delete().where(ServiceHours.service == service).execute()
            Service.delete().where(Service.id == service.id).execute()
        db.close()
        database.initialize(previous)
