"""The district staff dashboard: login with CSRF, every village today, a village's 30 days, CSV, announcements."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timezone

import pytest

from tests.district.helpers import make_event, today


@pytest.fixture
def staff(sqlite_hub):
    """A logged-in dashboard client."""
    from district.registry import add_staff

    with sqlite_hub.app.app_context():
        password = add_staff("dinas", datetime.now(timezone.utc).replace(tzinfo=None), "scrypt:1024:8:1")
    client = sqlite_hub.app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"username": "dinas", "password": password, "csrf_token": token})
    assert answer.status_code == 302
    client.csrf = token
    return client


def _csrf(client, url="/"):
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def test_pages_need_a_login(sqlite_hub):
    client = sqlite_hub.app.test_client()
    assert client.get("/").status_code == 302
    assert client.get("/export.csv").status_code == 302
    page = client.get("/login").get_data(as_text=True)
    assert 'name="csrf_token"' in page and "Masuk" in page


def test_login_refuses_a_wrong_password_and_a_missing_csrf_token(sqlite_hub):
    from district.registry import add_staff

    with sqlite_hub.app.app_context():
        password = add_staff("dinas", datetime.now(timezone.utc).replace(tzinfo=None), "scrypt:1024:8:1")
    client = sqlite_hub.app.test_client()
    assert client.post("/login", data={"username": "dinas", "password": password}).status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"username": "dinas", "password": "salah", "csrf_token": token}
                       ).status_code == 401


def test_overview_shows_every_village_with_today_and_alerts(sqlite_hub, staff):
    device = {"device_id": 1, "device": "Kiosk Lobi", "kind": "kiosk", "online": True,
              "printer": {"online": True, "paper": "out"}, "scanner": {"connected": True}}
    sqlite_hub.post_batch("33.17.09.2016", [make_event(1), make_event(2), make_event(3, "ticket.called",
                                                                                      wait_seconds=300),
                                            make_event(4, "ticket.finished", service_seconds=90),
                                            make_event(5, "letter.requested", letter_type="S-41"),
                                            make_event(6, "device.status", **device)])
    page = staff.get("/").get_data(as_text=True)
    for name in ("Mojowarno", "Banggi", "Bogoharjo"):
        assert name in page
    assert "kertas printer habis" in page and "5.0 menit" in page


def test_village_page_has_svg_charts_and_no_cdn(sqlite_hub, staff):
    sqlite_hub.post_batch("33.17.09.2016", [make_event(1), make_event(2, day="2026-01-01")])
    page = staff.get("/villages/3317092016").get_data(as_text=True)
    assert page.count("<svg") == 3 and "Mojowarno" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page
    assert staff.get("/villages/33.17.09.2099").status_code == 404


def test_csv_export(sqlite_hub, staff):
    sqlite_hub.post_batch("33.17.09.2016", [make_event(1), make_event(2)])
    answer = staff.get(f"/export.csv?date={today()}")
    assert answer.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    mojowarno = next(r for r in rows if r["kode_desa"] == "33.17.09.2016")
    assert mojowarno["tiket_diambil"] == "2" and len(rows) == 3
    village = list(csv.reader(io.StringIO(staff.get("/villages/33.17.09.2016/export.csv").get_data(as_text=True))))
    assert len(village) == 31


def test_announcements_to_chosen_villages(sqlite_hub, staff):
    from district.announcements import announcements_for

    answer = staff.post("/announcements", data={"title": "Rapat kepala desa", "body": "Senin", "audience": "chosen",
                                                "villages": ["33.17.09.2001"], "csrf_token": _csrf(staff)})
    assert answer.status_code == 302
    assert staff.post("/announcements", data={"title": "Tanpa token"}).status_code == 400
    with sqlite_hub.app.app_context():
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        assert [a["title"] for a in announcements_for("33.17.09.2001", now)] == ["Rapat kepala desa"]
        assert announcements_for("33.17.09.2016", now) == []
    assert "Rapat kepala desa" in staff.get("/announcements").get_data(as_text=True)


def test_english_is_the_second_language(staff):
    staff.post("/language", data={"lang": "en", "csrf_token": _csrf(staff)})
    page = staff.get("/").get_data(as_text=True)
    assert "All villages" in page and 'lang="en"' in page


def test_last_seen_is_the_district_local_time_with_its_zone_name(sqlite_hub, staff, monkeypatch):
    """GIVEN a hub process in UTC WHEN a village syncs THEN its last contact reads as WIB time, not the machine's."""
    import time as _time
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    monkeypatch.setenv("TZ", "UTC")
    _time.tzset()
    try:
        sqlite_hub.post_batch("33.17.09.2016", [make_event(1)])
        page = staff.get("/villages/3317092016").get_data(as_text=True)
    finally:
        monkeypatch.undo()
        _time.tzset()
    now = datetime.now(timezone.utc).astimezone(ZoneInfo("Asia/Jakarta"))
    assert any(f"{m:%d-%m-%Y %H:%M} WIB" in page for m in (now, now - timedelta(minutes=1))), page


def test_the_favicon_is_served_without_a_login(sqlite_hub):
    answer = sqlite_hub.app.test_client().get("/favicon.ico")
    assert answer.status_code == 200 and answer.data[:4] == b"\x00\x00\x01\x00"
