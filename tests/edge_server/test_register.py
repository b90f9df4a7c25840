"""Buku register surat keluar: numbered letters by month, cancelled numbers kept and marked, CSV, print CSS."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from edge_server.letters import register
from edge_server.models import Resident

WIB = ZoneInfo("Asia/Jakarta")


def test_period_bounds_are_local_months_in_utc():
    assert register.period_bounds(2026, 11, WIB) == (datetime(2026, 10, 31, 17), datetime(2026, 11, 30, 17))
    assert register.period_bounds(2026, 12, WIB)[1] == datetime(2026, 12, 31, 17)
    assert register.period_bounds(2026, None, WIB) == (datetime(2025, 12, 31, 17), datetime(2026, 12, 31, 17))
    with pytest.raises(ValueError):
        register.period_bounds(2026, 13, WIB)


def test_csv_keeps_niks_as_text_and_defuses_formulas():
    entry = register.RegisterEntry(1, "S-41/001/33.17.09.2016/XI/2026", date(2026, 11, 5), "S-41", "Domisili",
                                   "3317094503900001", "=HYPERLINK(\"x\")", "Sutrisno (Kepala Desa)", True,
                                   "SRT-2611-0001", "id")
    rows = list(csv.reader(io.StringIO(register.to_csv([entry])), delimiter=";"))
    assert rows[0][:3] == ["no", "nomor_surat", "tanggal"]
    assert rows[1][5] == "'3317094503900001" and rows[1][6].startswith("'=") and rows[1][8] == "dibatalkan"


@pytest.fixture
def resident(app, demo):
    with app.app_context():
        return Resident.get(Resident.nik == demo["residents"][0]["nik"])


def counter_letter(staff, resident, code: str, status: int | None = 2) -> dict:
    r = staff.raw.post(f"/staff/residents/{resident.id}/letters", data={"csrf_token": staff.token, "type": code})
    letter_id = r.headers["Location"].rsplit("/", 1)[1]
    if status is None:
        return {"id": letter_id}
    return staff.post(f"/staff/api/letters/{letter_id}/status", json={"status": status}).json["letter"]


def test_register_lists_numbered_letters_and_keeps_a_cancelled_number(staff, resident, clock):
    first = counter_letter(staff, resident, "S-41")
    second = counter_letter(staff, resident, "S-04")
    cancelled = staff.post(f"/staff/api/letters/{first['id']}/status", json={"status": 5}).json["letter"]
    assert cancelled["letter_number"] == first["letter_number"]  # a cancelled letter keeps its number
    counter_letter(staff, resident, "S-01", status=None)  # never numbered: not in the register
    counter_letter(staff, resident, "S-01", status=1)
    today = clock.business_date()
    page = staff.get(f"/staff/letters/register?year={today.year}&month={today.month}")
    assert page.status_code == 200
    text = page.text
    assert first["letter_number"] in text and second["letter_number"] in text and "S-01/" not in text
    assert resident.name in text and "Sutrisno (Kepala Desa Mojowarno)" in text
    assert f'class="cancelled" data-number="{first["letter_number"]}"' in text and "dibatalkan" in text
    assert "@media print" in text and "size: A4" in text
    assert "2 surat bernomor, 1 di antaranya dibatalkan" in text

    download = staff.get(f"/staff/letters/register.csv?year={today.year}&month={today.month}")
    assert download.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in download.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(download.data.decode("utf-8-sig")), delimiter=";"))
    assert [(r["nomor_surat"], r["status"]) for r in rows] == [(first["letter_number"], "dibatalkan"),
                                                                (second["letter_number"], "terbit")]
    assert rows[1]["kode"] == "S-04" and rows[1]["nama"] == resident.name and rows[1]["nik"] == "'" + resident.nik


def test_register_is_by_month_and_the_signer_is_the_head_of_that_day(staff, resident, clock, travel, app):
    before = counter_letter(staff, resident, "S-41")
    first_month = clock.business_date()
    with app.app_context():
        from edge_server.models import VillageProfile

        VillageProfile.update(head_name="Siti Aminah").execute()
    travel(days=32)
    after = counter_letter(staff, resident, "S-41")
    now = clock.business_date()
    old = staff.get(f"/staff/letters/register?year={first_month.year}&month={first_month.month}").text
    new = staff.get(f"/staff/letters/register?year={now.year}&month={now.month}").text
    assert before["letter_number"] in old and after["letter_number"] not in old
    assert after["letter_number"] in new and before["letter_number"] not in new
    assert "Sutrisno" in old and "Siti Aminah" in new
    year = staff.get(f"/staff/letters/register?year={now.year}&month=").text
    if first_month.year == now.year:
        assert before["letter_number"] in year and after["letter_number"] in year


def test_register_is_in_the_menu(staff):
    assert "/staff/letters/register" in staff.get("/staff/").text
