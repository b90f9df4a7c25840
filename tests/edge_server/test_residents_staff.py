"""Staff pages for residents: search, add with a temporary NIK, PIN shown once (and printed), e-KTP tags, audit."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from anjungan_core.passwords import check_secret
from drivers.idcard import make_nik
from edge_server.models import AuditLog, Resident


def resident_id(app, nik: str) -> int:
    with app.app_context():
        return Resident.get(Resident.nik == nik).id


def form(staff, url, **data):
    return staff.raw.post(url, data={"csrf_token": staff.token, **data})


def test_search_by_nik_name_and_kk(staff, demo):
    person = demo["residents"][0]
    by_nik = staff.get(f"/staff/residents?q={person['nik'][:10]}")
    assert person["name"] in by_nik.text
    by_name = staff.get(f"/staff/residents?q={person['name'].split()[0].lower()}")
    assert person["nik"] in by_name.text
    page = staff.get(f"/staff/residents/{resident_id(staff.raw.application, person['nik'])}")
    kk = re.search(r"No\. KK</th><td>(\d{16})", page.text).group(1)
    assert person["nik"] in staff.get(f"/staff/residents?q={kk}").text
    assert "Tidak ada penduduk yang cocok" in staff.get("/staff/residents?q=zzzqqq").text


def test_residents_pages_need_login(client):
    assert client.get("/staff/residents").status_code == 302


def test_set_pin_is_shown_once_hashed_and_works_at_the_kiosk(staff, demo, app, kiosk):
    person = next(r for r in demo["residents"] if "pin" not in r)
    rid = resident_id(app, person["nik"])
    page = form(staff, f"/staff/residents/{rid}/pin", action="set")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    pin = re.search(r'id="pin">(\d{6})<', page.text).group(1)
    assert pin not in staff.get(f"/staff/residents/{rid}").text  # shown once
    with app.app_context():
        stored = Resident.get_by_id(rid).pin_hash
        assert pin not in stored and check_secret(stored, pin)
        audit = AuditLog.select().where(AuditLog.action == "resident.pin_set").get()
        assert person["nik"] not in audit.target and pin not in audit.detail
    r = kiosk.post("/api/v1/identify", json={"nik": person["nik"], "pin": pin})
    assert r.status_code == 200 and r.json["level"] == "full"
    form(staff, f"/staff/residents/{rid}/pin", action="clear")
    assert kiosk.post("/api/v1/identify", json={"nik": person["nik"], "pin": pin}).status_code == 401


def test_pin_slip_is_printed_on_the_counter_printer(staff, demo, app, tmp_path):
    cfg = app.extensions["edge_config"]
    app.extensions["edge_config"] = replace(cfg, counter_printer=f"virtual://{tmp_path / 'slips'}")
    rid = resident_id(app, demo["residents"][0]["nik"])
    page = form(staff, f"/staff/residents/{rid}/pin", action="set", print="on")
    pin = re.search(r'id="pin">(\d{6})<', page.text).group(1)
    assert "Slip PIN dicetak" in page.text
    slips = list((tmp_path / "slips").glob("*.txt"))
    assert len(slips) == 1
    text = slips[0].read_text()
    assert pin in text and demo["residents"][0]["nik"] not in text and "**" in text


def test_pin_stays_on_screen_when_the_printer_fails(staff, demo, app, tmp_path):
    cfg = app.extensions["edge_config"]
    app.extensions["edge_config"] = replace(cfg, counter_printer=f"virtual://{tmp_path}?paper=out")
    rid = resident_id(app, demo["residents"][0]["nik"])
    page = form(staff, f"/staff/residents/{rid}/pin", action="set", print="on")
    assert re.search(r'id="pin">(\d{6})<', page.text) and "gagal dicetak" in page.text


def test_register_an_rfid_tag_by_scanning(staff, demo, app, kiosk):
    person = next(r for r in demo["residents"] if "rfid" not in r)
    rid = resident_id(app, person["nik"])
    form(staff, f"/staff/residents/{rid}/rfid", action="set", rfid="0412345678\n")
    r = kiosk.post("/api/v1/identify", json={"scan": "0412345678"})
    assert r.status_code == 200 and r.json["level"] == "full"
    taken = next(r for r in demo["residents"] if "rfid" in r)["rfid"]
    page = form(staff, f"/staff/residents/{rid}/rfid", action="set", rfid=taken)
    assert page.status_code == 302
    assert "sudah terdaftar untuk penduduk lain" in staff.get(f"/staff/residents/{rid}").text
    form(staff, f"/staff/residents/{rid}/rfid", action="set", rfid="bukan kartu")
    assert "bukan UID kartu" in staff.get(f"/staff/residents/{rid}").text
    with app.app_context():
        assert Resident.get_by_id(rid).rfid_uid == "0412345678"
        assert AuditLog.select().where(AuditLog.action == "resident.rfid_set").count() == 1


def test_staff_may_record_a_temporary_nik_but_the_kiosk_refuses_it(staff, app, kiosk):
    page = form(staff, "/staff/residents/new/edit", nik="0317091212120001", name="Bayi Baru", sex="P",
                birth_date="2026-01-02", rt="001", rw="002")
    assert page.status_code == 302
    rid = int(page.headers["Location"].rsplit("/", 1)[1])
    assert "NIK sementara" in staff.get(f"/staff/residents/{rid}").text
    assert kiosk.post("/api/v1/identify", json={"scan": "0317091212120001"}).status_code == 400
    form(staff, f"/staff/residents/{rid}/pin", action="set")
    with app.app_context():
        assert Resident.get_by_id(rid).pin_hash is None
        assert AuditLog.select().where(AuditLog.action == "resident.add").count() == 1


def test_edit_form_refuses_bad_and_taken_niks(staff, demo, app):
    bad = form(staff, "/staff/residents/new/edit", nik="3317093213900001", name="X")
    assert bad.status_code == 400 and "NIK tidak valid" in bad.text
    taken = form(staff, "/staff/residents/new/edit", nik=demo["residents"][0]["nik"], name="X")
    assert taken.status_code == 400 and "sudah terdaftar" in taken.text
    nameless = form(staff, "/staff/residents/new/edit", nik=make_nik("331709", date(2000, 1, 1), "L", 7777), name="")
    assert nameless.status_code == 400


def test_deactivated_residents_cannot_use_the_kiosk(staff, demo, app, kiosk):
    person = demo["residents"][0]
    rid = resident_id(app, person["nik"])
    form(staff, f"/staff/residents/{rid}/active", active="0")
    assert kiosk.post("/api/v1/identify", json={"scan": person["nik"]}).status_code == 404
    form(staff, f"/staff/residents/{rid}/active", active="1")
    assert kiosk.post("/api/v1/identify", json={"scan": person["nik"]}).status_code == 200


def test_pages_follow_the_console_language(staff, demo, kiosk):
    staff.raw.post("/staff/language", data={"csrf_token": staff.token, "lang": "en"})
    page = staff.get(f"/staff/residents?q={demo['residents'][0]['nik']}").text
    assert "Residents" in page and "Search NIK, name or family card no." in page
    assert "Letter requests" in staff.get("/staff/letters").text
    english = kiosk.post("/api/v1/identify?lang=en", json={"scan": "x-y-z"})
    assert english.json["error"]["message"].startswith("Card not recognised")
