"""Every time a person reads is the village's wall-clock time with its zone name, whatever the machine's zone."""
from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from anjungan_core.calendar_words import zone_label
from edge_server import create_app
from edge_server.clock import Clock
from edge_server.config import load_config

from .conftest import login


@pytest.fixture
def utc_machine(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _shown(zone: str) -> set[str]:
    now = datetime.now(UTC).astimezone(ZoneInfo(zone))
    return {f"{m:%d-%m-%Y %H:%M}" for m in (now, now - timedelta(minutes=1))}


def test_zone_names():
    assert zone_label(datetime(2026, 3, 5, 8, tzinfo=ZoneInfo("Asia/Jakarta"))) == "WIB"
    assert zone_label(datetime(2026, 3, 5, 8, tzinfo=ZoneInfo("Asia/Makassar"))) == "WITA"
    assert zone_label(datetime(2026, 3, 5, 8, tzinfo=ZoneInfo("Asia/Jayapura"))) == "WIT"
    assert zone_label(datetime(2026, 3, 5, 8, tzinfo=ZoneInfo("Asia/Kolkata"))) == "UTC+5.5"


def test_the_devices_page_shows_wib_not_raw_iso_on_a_utc_machine(staff, kiosk, utc_machine):
    """GIVEN an edge process in UTC WHEN a kiosk sends a heartbeat THEN the devices page shows its last contact
    as Jakarta time with WIB, not an ISO UTC string."""
    assert kiosk.post("/api/v1/devices/heartbeat", json={"version": "1", "printer": {"online": True, "paper": "ok"},
                                                          "scanner": {"connected": True}}).status_code == 200
    html = staff.get("/staff/admin/devices").get_data(as_text=True)
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", html)
    assert any(f"{text} WIB" in html for text in _shown("Asia/Jakarta")), html


def test_a_wita_village_says_wita_on_the_board_health_and_devices_page(tmp_path, utc_machine):
    cfg = load_config(None, data_dir=str(tmp_path), village_code="33.17.09.2016", village_name="Mojowarno",
                      timezone="Asia/Makassar", password_hash="pbkdf2:sha256:1")
    clock = Clock(cfg.zone)
    app = create_app(cfg, clock=clock)
    from edge_server.demo import seed_demo

    with app.app_context():
        demo = seed_demo(cfg, clock, "http://127.0.0.1:8080")
    client = app.test_client()
    assert client.get("/api/v1/health").get_json()["village"]["timezone"] == "Asia/Makassar"
    assert client.get("/display/state").get_json()["zone_name"] == "WITA"
    headers = {"Authorization": f"Bearer {demo['kiosk_token']}"}
    client.post("/api/v1/devices/heartbeat", headers=headers,
                json={"version": "1", "printer": {"online": True, "paper": "ok"}, "scanner": {"connected": True}})
    admin = next(s for s in demo["staff"] if s["role"] == "admin")
    assert login(client, admin["username"], admin["password"]).status_code == 302
    html = client.get("/staff/admin/devices").get_data(as_text=True)
    assert any(f"{text} WITA" in html for text in _shown("Asia/Makassar")), html


def test_the_residents_letter_status_page_says_wib(kiosk, demo, client, utc_machine):
    """The page a resident opens from the QR on the letter receipt gives the request time in WIB."""
    from .test_letters_api import request_letter

    resident = next(r for r in demo["residents"] if r.get("pin"))
    session = kiosk.post("/api/v1/identify", json={"nik": resident["nik"], "pin": resident["pin"]}).get_json()
    letter = request_letter(kiosk, {"X-Kiosk-Session": session["session"]}).get_json()["letter"]
    html = client.get("/s/" + letter["track_url"].rsplit("/", 1)[-1]).get_data(as_text=True)
    now = datetime.now(UTC).astimezone(ZoneInfo("Asia/Jakarta"))
    assert any(f"{m:%H:%M} WIB" in html for m in (now, now - timedelta(minutes=1))), html
