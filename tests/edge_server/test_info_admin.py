"""Console pages for village information: every form needs its CSRF token, admins edit, kiosks see the result."""
from __future__ import annotations

import io
import os
import re

import pytest
from PIL import Image

from edge_server.models import Announcement, AnnouncementImage, Camera, Holiday, ServiceHours

from .conftest import login


@pytest.fixture
def admin(staff):
    """The admin's browser: posts forms with the page's CSRF token."""

    class Admin:
        raw = staff.raw

        def form(self, url, data=None, token=True, **kw):
            data = dict(data or {})
            if token:
                data["csrf_token"] = staff.token
            return staff.raw.post(url, data=data, **kw)

        def page(self, url):
            return staff.raw.get(url, follow_redirects=True).get_data(as_text=True)

    return Admin()


def noisy_png(size=(400, 300)) -> bytes:
    """A photo-like PNG well over the console's usual 64 KiB request limit."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "PNG")
    assert out.tell() > 64 * 1024
    return out.getvalue()


def test_staff_write_an_announcement_with_a_picture_and_kiosks_show_it(app, admin, kiosk, client):
    page = admin.form("/staff/info/announcements", {
        "title": "Penyaluran BLT", "body": "Balai desa, Senin 08.00", "first_day": "", "last_day": "",
        "audience": "both", "active": "on", "image": (io.BytesIO(noisy_png()), "foto.png")},
        content_type="multipart/form-data", follow_redirects=True)
    assert page.status_code == 200 and "Pengumuman disimpan." in page.get_data(as_text=True)
    shown = kiosk.get("/api/v1/info").get_json()["announcements"][0]
    assert shown["title"] == "Penyaluran BLT" and shown["image_width"] == 400
    small = client.get(shown["image_url"] + "&w=300")  # no token: the board's browser loads it as well
    assert small.status_code == 200 and small.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(small.data)).width == 320  # snapped up to a stored width
    with app.app_context():
        row = Announcement.get(Announcement.title == "Penyaluran BLT")
        assert row.source == "village" and AnnouncementImage.get(AnnouncementImage.announcement == row)


def test_announcement_forms_refuse_a_missing_csrf_token(admin):
    answer = admin.form("/staff/info/announcements", {"title": "Tanpa token"}, token=False)
    assert answer.status_code == 400
    with admin.raw.application.app_context():
        assert not Announcement.select().where(Announcement.title == "Tanpa token").exists()


def test_edit_hide_and_delete_an_announcement(app, admin, kiosk):
    admin.form("/staff/info/announcements", {"title": "Kerja bakti", "audience": "kiosk", "active": "on",
                                             "first_day": "2020-01-01", "last_day": "2099-12-31"})
    with app.app_context():
        row = Announcement.get(Announcement.title == "Kerja bakti")
    url = f"/staff/info/announcements/{row.id}"
    assert 'value="2099-12-31"' in admin.page(url)
    admin.form(url, {"action": "save", "title": "Kerja bakti Minggu", "audience": "kiosk",
                     "first_day": "2020-01-01", "last_day": "2099-12-31"})  # no `active`: hidden
    assert kiosk.get("/api/v1/info").get_json()["announcements"] == []
    admin.form(url, {"action": "delete"})
    with app.app_context():
        assert not Announcement.select().where(Announcement.id == row.id).exists()


def test_end_date_before_start_date_is_refused(admin):
    page = admin.form("/staff/info/announcements", {"title": "Salah", "first_day": "2026-05-02",
                                                    "last_day": "2026-05-01"}, follow_redirects=True)
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in page.get_data(as_text=True)


def test_operators_write_announcements_but_cannot_change_hours(app, demo):
    browser = app.test_client()
    user = next(s for s in demo["staff"] if s["role"] == "operator")
    login(browser, user["username"], user["password"])
    assert browser.get("/staff/info/announcements").status_code == 200
    assert browser.get("/staff/info/hours").status_code == 302
    assert "Informasi Desa" not in browser.get("/staff/").get_data(as_text=True)


def test_admin_sets_hours_and_a_holiday(app, admin, kiosk, clock):
    page = admin.form("/staff/info/hours", {"action": "hours", "service": "A", "day_0": "08:00-12:00, 13:00-15:00",
                                            "day_1": "08:00-15:00", "day_2": "", "day_3": "", "day_4": "",
                                            "day_5": "", "day_6": ""}, follow_redirects=True)
    assert "Jam layanan A disimpan." in page.get_data(as_text=True)
    hours = {h["service"]: h for h in kiosk.get("/api/v1/info").get_json()["office_hours"]}
    assert hours["A"]["days"] == "Senin-Selasa" and hours["A"]["weekly"][0]["hours"] == [
        ["08:00", "12:00"], ["13:00", "15:00"]]
    bad = admin.form("/staff/info/hours", {"action": "hours", "service": "B", "day_0": "pagi"},
                     follow_redirects=True)
    assert "Jam tidak sah: pagi." in bad.get_data(as_text=True)
    admin.form("/staff/info/hours", {"action": "holiday", "day": "2026-08-17", "name": "Hari Kemerdekaan",
                                     "service": ""})
    admin.form("/staff/info/hours", {"action": "holiday", "day": "2026-08-17", "name": "HUT RI", "service": ""})
    with app.app_context():
        assert [h.name for h in Holiday.select()] == ["HUT RI"]  # the same day replaces, not duplicates
        holiday = Holiday.get()
    admin.form("/staff/info/hours", {"action": "hours", "service": "A", "always_open": "on"})
    admin.form("/staff/info/hours", {"action": "delete-holiday", "holiday_id": str(holiday.id)})
    with app.app_context():
        assert ServiceHours.select().count() == 0 and Holiday.select().count() == 0
    assert "Buka setiap hari sepanjang hari" in admin.page("/staff/info/hours")


def test_admin_adds_cameras_and_never_shows_their_credentials_to_kiosks(app, admin, kiosk):
    page = admin.form("/staff/info/cameras", {"action": "save", "name": "X", "url": "file:///etc/passwd"},
                      follow_redirects=True)
    assert "Alamat kamera harus diawali http:// atau https://." in page.get_data(as_text=True)
    admin.form("/staff/info/cameras", {"action": "save", "name": "Jembatan Kaliori", "location": "Kaliori",
                                       "url": "http://admin:rahasia@127.0.0.1:9/snap.jpg",
                                       "refresh_seconds": "30", "active": "on"})
    listing = admin.page("/staff/info/cameras")
    assert "Jembatan Kaliori" in listing and "http://127.0.0.1:9/snap.jpg" in listing
    cameras = kiosk.get("/api/v1/cameras").get_json()["cameras"]
    assert [c["name"] for c in cameras] == ["Jembatan Kaliori"] and "rahasia" not in str(cameras)
    with app.app_context():
        camera = Camera.get()
    page = admin.form("/staff/info/cameras", {"action": "refresh", "camera_id": str(camera.id)},
                      follow_redirects=True)
    assert "Kamera tidak menjawab" in page.get_data(as_text=True)
    admin.form("/staff/info/cameras", {"action": "delete", "camera_id": str(camera.id)})
    assert kiosk.get("/api/v1/cameras").get_json()["cameras"] == []


def test_admin_adds_links_and_kiosks_get_qr_codes(admin, kiosk):
    page = admin.form("/staff/info/links", {"action": "save", "title": "Jahat", "url": "javascript:alert(1)"},
                      follow_redirects=True)
    assert "Tautan harus alamat http:// atau https:// yang lengkap." in page.get_data(as_text=True)
    admin.form("/staff/info/links", {"action": "save", "title": "Pengaduan", "url": "https://lapor.go.id",
                                     "description": "Sampaikan keluhan", "active": "on"})
    assert "<svg" in admin.page("/staff/info/links")
    links = kiosk.get("/api/v1/links").get_json()["links"]
    assert [(link["title"], link["url"]) for link in links] == [("Pengaduan", "https://lapor.go.id")]


def test_admin_edits_the_village_profile(admin, kiosk):
    admin.form("/staff/info/profile", {"action": "village", "head_name": "Hj. Sri Wahyuni",
                                       "head_title": "Kepala Desa", "address": "Jl. Raya Mojowarno 1",
                                       "phone": "0295-123456"})
    admin.form("/staff/info/profile", {"action": "official", "name": "Budi Santoso", "position": "Sekretaris Desa"})
    admin.form("/staff/info/profile", {"action": "contact", "label": "WhatsApp pelayanan",
                                       "value": "0812-3456-7890", "kind": "whatsapp"})
    info = kiosk.get("/api/v1/info").get_json()
    assert info["village"]["head_name"] == "Hj. Sri Wahyuni" and info["village"]["phone"] == "0295-123456"
    assert info["officials"] == [{"id": info["officials"][0]["id"], "name": "Budi Santoso",
                                  "position": "Sekretaris Desa"}]
    assert info["contacts"][0]["kind"] == "whatsapp"
    page = admin.page("/staff/info/profile")
    official_id = re.search(r'name="official_id" value="(\d+)"', page).group(1)
    admin.form("/staff/info/profile", {"action": "delete-official", "official_id": official_id})
    assert kiosk.get("/api/v1/info").get_json()["officials"] == []


def test_information_menu_entry_for_admins(admin):
    home = admin.page("/staff/")
    assert "/staff/info/announcements" in home and "/staff/info/hours" in home
