"""Kiosk API for village information: closed services, announcements over time, links, profile data."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import edge_server
from edge_server.info import announcements as notices
from edge_server.info import hours
from edge_server.models import Announcement, Contact, Holiday, Link, Official, Service, ServiceHours

WIB = ZoneInfo("Asia/Jakarta")


def set_now(clock, *args) -> None:
    """Move the app's clock to a local (WIB) wall time."""
    target = datetime(*args, tzinfo=WIB)
    clock.offset = timedelta(0)
    clock.offset = target - clock.now()


def office_hours(app, code: str = "A") -> None:
    """Mon-Fri 08:00-15:00 for one service."""
    weekly = {str(d): [["08:00", "15:00"]] for d in range(5)}
    with app.app_context():
        ServiceHours.create(service=Service.get(Service.code == code), weekly=json.dumps(weekly))


def test_demo_services_stay_open_at_any_hour(kiosk, clock):
    set_now(clock, 2026, 4, 5, 3, 0)  # Sunday, 03:00
    services = kiosk.get("/api/v1/services").get_json()["services"]
    assert all(s["open"] for s in services) and services[0]["closed_reason"] is None
    assert kiosk.post("/api/v1/tickets", json={"service": "A"}).status_code == 201


def test_closed_service_is_refused_with_a_plain_message_naming_the_next_opening(app, kiosk, clock):
    office_hours(app)
    set_now(clock, 2026, 4, 3, 16, 0)  # Friday after closing
    answer = kiosk.post("/api/v1/tickets", json={"service": "A"})
    assert answer.status_code == 409
    assert answer.get_json()["error"] == {
        "code": "service_closed",
        "message": "Layanan Administrasi Kependudukan tutup. Buka lagi Senin pukul 08.00 WIB."}
    services = {s["code"]: s for s in kiosk.get("/api/v1/services").get_json()["services"]}
    assert services["A"]["open"] is False and services["A"]["opens_at"] == "2026-04-06T08:00+07:00"
    assert services["A"]["closed_reason"].endswith("Buka lagi Senin pukul 08.00 WIB.")
    assert services["B"]["open"] is True  # other services keep their (default) hours
    assert kiosk.post("/api/v1/tickets", json={"service": "B"}).status_code == 201


@pytest.fixture
def english(app, tmp_path):
    """The English catalog compiled from the .po (the .mo is a build product, not in git)."""
    from babel.messages import mofile, pofile

    from edge_server.i18n import LANGUAGES

    assert "en" in LANGUAGES
    source = Path(edge_server.__file__).parent / "translations/en/LC_MESSAGES/messages.po"
    target = tmp_path / "translations/en/LC_MESSAGES/messages.mo"
    target.parent.mkdir(parents=True)
    with source.open("rb") as po, target.open("wb") as mo:
        mofile.write_mo(mo, pofile.read_po(po))
    app.extensions["babel"].translation_directories = [str(tmp_path / "translations")]


def test_closed_message_in_english_on_request(app, kiosk, clock, english):
    office_hours(app)
    set_now(clock, 2026, 4, 4, 10, 0)  # Saturday
    message = kiosk.post("/api/v1/tickets?lang=en", json={"service": "A"}).get_json()["error"]["message"]
    assert message == "Administrasi Kependudukan is closed. Opens again Monday at 08:00 WIB."


def test_holiday_closes_and_moves_the_next_opening(app, kiosk, clock):
    office_hours(app)
    with app.app_context():
        Holiday.create(day=date(2026, 4, 6), name="Cuti Bersama")
    set_now(clock, 2026, 4, 3, 16, 0)
    message = kiosk.post("/api/v1/tickets", json={"service": "A"}).get_json()["error"]["message"]
    assert message == "Layanan Administrasi Kependudukan tutup. Buka lagi Selasa pukul 08.00 WIB."
    set_now(clock, 2026, 4, 6, 9, 0)  # on the holiday itself, every service is closed
    answer = kiosk.post("/api/v1/tickets", json={"service": "C"})
    assert answer.status_code == 409
    assert answer.get_json()["error"]["message"] == (
        "Layanan Pengaduan dan Informasi tutup (Cuti Bersama). Buka lagi Selasa pukul 00.00 WIB.")


def test_ticket_is_issued_again_once_the_service_opens(app, kiosk, clock, travel):
    office_hours(app)
    set_now(clock, 2026, 4, 6, 7, 59)
    assert kiosk.post("/api/v1/tickets", json={"service": "A"}).status_code == 409
    travel(minutes=1)
    assert kiosk.post("/api/v1/tickets", json={"service": "A"}).status_code == 201


def test_info_shows_hours_holidays_officials_and_contacts(app, kiosk, clock):
    office_hours(app)
    set_now(clock, 2026, 4, 3, 10, 0)
    with app.app_context():
        Holiday.create(day=date(2026, 4, 6), name="Cuti Bersama", service=Service.get(Service.code == "B"))
        Official.create(name="Sutrisno", position="Kepala Desa", sort_order=0)
        Official.create(name="Siti Aminah", position="Sekretaris Desa", sort_order=1)
        Contact.create(label="Pelayanan (WhatsApp)", value="0812-0000-0000", kind="whatsapp")
    body = kiosk.get("/api/v1/info").get_json()
    hours_by = {h["service"]: h for h in body["office_hours"]}
    a = hours_by["A"]
    assert (a["days"], a["open"], a["close"], a["open_now"], a["always_open"]) == (
        "Senin-Jumat", "08:00", "15:00", True, False)
    assert a["weekly"][5] == {"day": 5, "day_name": "Sabtu", "hours": []}
    assert hours_by["C"]["days"] == "Setiap hari" and hours_by["C"]["weekly"][6]["hours"] == [["00:00", "24:00"]]
    assert body["holidays"] == [{"date": "2026-04-06", "name": "Cuti Bersama", "service": "B"}]
    assert [(o["name"], o["position"]) for o in body["officials"]] == [
        ("Sutrisno", "Kepala Desa"), ("Siti Aminah", "Sekretaris Desa")]
    assert body["contacts"][0]["value"] == "0812-0000-0000" and body["contacts"][0]["kind"] == "whatsapp"
    assert body["village"]["head_name"] == "Sutrisno"


def test_announcement_window_follows_local_dates_and_expires_by_itself(app, kiosk, clock, travel):
    """GIVEN an announcement for 10-12 April (local dates) WHEN time passes THEN it shows only on those days."""
    set_now(clock, 2026, 4, 9, 23, 0)
    with app.app_context():
        notices.save(notices.AnnouncementInput("Posyandu Balita", "Di balai dusun", date(2026, 4, 10),
                                               date(2026, 4, 12), "both"), WIB)

    def titles():
        return [a["title"] for a in kiosk.get("/api/v1/info").get_json()["announcements"]]

    assert titles() == []
    travel(hours=1)  # 00:00 WIB on the 10th, still 17:00 UTC on the 9th
    assert titles() == ["Posyandu Balita"]
    travel(days=2, hours=23, minutes=59)  # 23:59 on the 12th
    assert titles() == ["Posyandu Balita"]
    travel(minutes=1)
    assert titles() == []


def test_board_still_reads_village_announcements_for_its_audience(app, clock):
    from edge_server.display.board import announcements_now

    with app.app_context():
        notices.save(notices.AnnouncementInput("Untuk TV", "", None, None, "board"), WIB)
        notices.save(notices.AnnouncementInput("Untuk anjungan", "", None, None, "kiosk"), WIB)
        assert [a["title"] for a in announcements_now(clock)] == ["Untuk TV"]
        assert Announcement.get(Announcement.title == "Untuk TV").source == "village"


def test_links_come_with_a_qr_code_and_receipt_data(app, kiosk, client):
    with app.app_context():
        Link.create(title="Aplikasi Rembang", url="https://rembangkab.go.id/app", description="Unduh di Play Store")
        Link.create(title="Lama", url="https://old.example", active=False)
    links = kiosk.get("/api/v1/links").get_json()["links"]
    assert [link["title"] for link in links] == ["Aplikasi Rembang"]
    link = links[0]
    assert link["qr_svg"].startswith("<svg") and "xmlns" in link["qr_svg"]
    assert link["receipt"] == {"title": "Aplikasi Rembang", "text": "Unduh di Play Store",
                               "qr": "https://rembangkab.go.id/app", "url": "https://rembangkab.go.id/app"}
    png = client.get(link["qr_png_url"])  # no token needed: the URL is signed
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    forged = link["qr_png_url"].rsplit("/", 1)[0] + "/" + "0" * 32 + ".png"
    assert client.get(forged).status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/links", "/api/v1/cameras", "/api/v1/info"])
def test_information_endpoints_need_the_device_token(client, url):
    answer = client.get(url)
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "invalid_token"


def test_local_window_conversion_is_inclusive_of_the_last_day():
    starts, ends = notices.window(date(2026, 4, 10), date(2026, 4, 12), WIB)
    assert starts == datetime(2026, 4, 9, 17, 0) and ends == datetime(2026, 4, 12, 17, 0)
    row = Announcement(starts=starts, ends=ends)
    assert notices.local_days(row, WIB) == (date(2026, 4, 10), date(2026, 4, 12))
    assert hours.local_time(ends, WIB).replace(tzinfo=None) == datetime(2026, 4, 13, 0, 0)
    assert datetime.now(timezone.utc)  # keep the import honest
