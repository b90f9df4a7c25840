"""`make demo` (tools/demo.py): what a newcomer sees on the information screens, the pairing code's expiry, the
favicon, and closing the kiosk window ends the demo cleanly."""
from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import requests

from tests.e2e.conftest import EdgeServerProcess
from tools.demo import pairing_line, seed_information, supervise


def test_the_demo_village_has_what_the_docs_show(tmp_path):
    """GIVEN a fresh `serve --demo` edge WHEN the demo tool seeds it THEN the kiosk's info calls give announcements
    (one with a picture that loads), a camera with a picture, two links and office hours; once only."""
    edge = EdgeServerProcess(tmp_path / "edge").start()
    try:
        assert seed_information(edge.data_dir, edge.url) is True
        headers = {"Authorization": f"Bearer {edge.demo['kiosk_token']}"}
        info = requests.get(f"{edge.url}/api/v1/info", headers=headers, timeout=10).json()
        assert len(info["announcements"]) == 2
        pictured = [a for a in info["announcements"] if a["image_url"]]
        assert len(pictured) == 1
        picture = requests.get(pictured[0]["image_url"] if pictured[0]["image_url"].startswith("http")
                               else edge.url + pictured[0]["image_url"], timeout=10)
        assert picture.status_code == 200 and picture.content[:2] == b"\xff\xd8"
        assert info["officials"] and info["contacts"]
        assert len(info["office_hours"]) == 3
        for row in info["office_hours"]:  # real hours, not "every day 00:00-24:00"
            assert row["days"] != "Setiap hari" and (row["open"], row["close"]) == ("08:00", "15:00"), row
        cameras = requests.get(f"{edge.url}/api/v1/cameras", headers=headers, timeout=10).json()["cameras"]
        assert len(cameras) == 1 and cameras[0]["image_url"] and cameras[0]["available"]
        links = requests.get(f"{edge.url}/api/v1/links", headers=headers, timeout=10).json()["links"]
        assert len(links) == 2
        assert seed_information(edge.data_dir, edge.url) is False  # a second `make demo` adds nothing
        icon = requests.get(f"{edge.url}/favicon.ico", timeout=10)
        assert icon.status_code == 200 and icon.content[:4] == b"\x00\x00\x01\x00"
        assert "valid until" in pairing_line(edge.demo) and pairing_line(edge.demo).endswith("WIB)")
    finally:
        edge.stop()


def test_the_banner_says_when_the_pairing_code_has_expired():
    demo = {"pairing_code": "123456", "pairing_code_expires_at": "2026-12-01T10:00:00Z",
            "pairing_code_expires_local": "01-12-2026 17:00 WIB"}
    assert "valid until 01-12-2026 17:00 WIB" in pairing_line(demo, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    late = pairing_line(demo, datetime(2026, 12, 1, 10, 0, tzinfo=UTC) + timedelta(seconds=1))
    assert "expired at 01-12-2026 17:00 WIB" in late and "make a new one" in late


def test_closing_the_kiosk_window_ends_the_demo_cleanly():
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    kiosk = subprocess.Popen([sys.executable, "-c", "pass"])  # the window closed: the app exits 0
    try:
        assert supervise([server, kiosk], kiosk, poll=0.05) == 0
    finally:
        server.terminate()
        server.wait(10)
    crashed = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert supervise([server, crashed], None, poll=0.05) == 1
    finally:
        server.terminate()
        server.wait(10)
