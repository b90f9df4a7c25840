"""Letters at the counter: the staff-only types (births, deaths, moving house, marriage, land) exist on every
install, never reach the kiosk, and go through the same numbering, print view and verification as kiosk ones."""
from __future__ import annotations

import re

import pytest

from edge_server.db import database
from edge_server.letters.catalog import STAFF_LETTER_TYPES, staff_seed_rows
from edge_server.migrations import _staff_letter_types
from edge_server.models import AuditLog, LetterRequest, LetterType, Resident

STAFF_CODES = {code for code, *_rest in STAFF_LETTER_TYPES}


@pytest.fixture
def resident(app, demo):
    with app.app_context():
        return Resident.get(Resident.nik == demo["residents"][0]["nik"])


def test_every_install_has_five_staff_only_types(app):
    with app.app_context():
        rows = {t.code: t for t in LetterType.select().where(LetterType.code.in_(STAFF_CODES))}
    assert set(rows) == STAFF_CODES and len(STAFF_CODES) == 5
    assert not any(t.self_service for t in rows.values()) and all(t.active for t in rows.values())


def test_migration_40_adds_them_to_an_existing_install_without_clobbering_an_admin_type(app):
    """GIVEN an install from before migration 40 where an admin already made a "593" type by hand."""
    with app.app_context():
        LetterType.delete().where(LetterType.code.in_(STAFF_CODES)).execute()
        LetterType.create(code="593", name="Keterangan Tanah (buatan admin)", self_service=True)
        _staff_letter_types(database.obj)
        assert LetterType.get(LetterType.code == "593").name == "Keterangan Tanah (buatan admin)"
        assert LetterType.select().where(LetterType.code.in_(STAFF_CODES)).count() == 5
    assert staff_seed_rows(STAFF_CODES, 0) == []


def test_kiosk_lists_only_self_service_types_and_cannot_request_a_staff_only_one(kiosk, demo):
    codes = {t["code"] for t in kiosk.get("/api/v1/letter-types").json["letter_types"]}
    assert codes and not codes & STAFF_CODES
    person = next(r for r in demo["residents"] if "rfid" in r)
    session = kiosk.post("/api/v1/identify", json={"scan": person["rfid"]}).json["session"]
    r = kiosk.post("/api/v1/letters", json={"type": "S-21", "fields": {}}, headers={"X-Kiosk-Session": session})
    assert r.status_code == 404 and r.json["error"]["code"] == "unknown_letter_type"


def test_admin_marks_a_type_self_service_and_the_kiosk_lists_it(staff, kiosk, app):
    with app.app_context():
        birth = LetterType.get(LetterType.code == "S-17")
    page = staff.get(f"/staff/admin/letter-types/{birth.id}")
    assert 'name="self_service"' in page.text and "nama_bayi | Nama bayi | wajib" in page.text
    form = {"csrf_token": staff.token, "code": "S-17", "name": birth.name,
            "fields": re.search(r'<textarea name="fields"[^>]*>([^<]*)<', page.text).group(1),
            "requirements": "Fotokopi KK", "template": birth.template, "validity_days": "30", "active": "on",
            "self_service": "on"}
    assert staff.raw.post(f"/staff/admin/letter-types/{birth.id}", data=form).status_code == 302
    assert "S-17" in {t["code"] for t in kiosk.get("/api/v1/letter-types").json["letter_types"]}


def test_resident_page_offers_every_type_marking_the_counter_only_ones(staff, resident):
    page = staff.get(f"/staff/residents/{resident.id}").text
    assert "S-21 · Surat Keterangan Kematian (khusus loket)" in page and "S-41 · Surat Keterangan Domisili<" in page


def test_a_death_letter_end_to_end_at_the_counter(staff, client, resident, app):
    """Form with the type's own fields -> request -> number -> print view -> public verification page."""
    form = staff.get(f"/staff/residents/{resident.id}/letters/new?type=S-21")
    assert form.status_code == 200
    assert "Nama almarhum/almarhumah" in form.text and "Sebab meninggal" in form.text
    assert "Surat keterangan kematian dari dokter" in form.text
    r = staff.raw.post(f"/staff/residents/{resident.id}/letters", data={
        "csrf_token": staff.token, "type": "S-21", "field_nama_almarhum": "Paimin bin Sastro",
        "field_tanggal_meninggal": "3 Maret 2026", "field_tempat_meninggal": "rumah duka, Dusun Krajan",
        "field_sebab": "sakit tua", "field_hubungan_pelapor": "anak"})
    assert r.status_code == 302
    letter_id = r.headers["Location"].rsplit("/", 1)[1]
    detail = staff.get(f"/staff/letters/{letter_id}").text
    assert "Paimin bin Sastro" in detail and "di loket" in detail
    numbered = staff.post(f"/staff/api/letters/{letter_id}/status", json={"status": 2}).json["letter"]
    assert re.fullmatch(r"S-21/001/33\.17\.09\.2016/[IVX]+/20\d\d", numbered["letter_number"])
    printed = staff.get(f"/staff/letters/{letter_id}/print?paper=a4").text
    assert numbered["letter_number"] in printed and "SURAT KETERANGAN KEMATIAN" in printed
    assert "Paimin bin Sastro" in printed and "karena sakit tua" in printed and "<svg" in printed
    verify = client.get(numbered["verification_url"].split("8080", 1)[1])
    assert verify.status_code == 200 and numbered["letter_number"] in verify.text
    assert "Surat Keterangan Kematian" in verify.text and resident.nik not in verify.text
    with app.app_context():
        stored = LetterRequest.get_by_id(letter_id)
        assert stored.source == "counter" and stored.letter_type.code == "S-21"
        assert AuditLog.select().where((AuditLog.action == "letter.create")
                                       & (AuditLog.target == stored.reference)).count() == 1


def test_staff_only_and_kiosk_types_count_separately(staff, resident):
    numbers = []
    for code in ("S-17", "S-17", "S-41"):
        r = staff.raw.post(f"/staff/residents/{resident.id}/letters", data={"csrf_token": staff.token, "type": code})
        letter_id = r.headers["Location"].rsplit("/", 1)[1]
        numbers.append(staff.post(f"/staff/api/letters/{letter_id}/status", json={"status": 2}).json["letter"])
    assert [n["letter_number"].split("/")[:2] for n in numbers] == [["S-17", "001"], ["S-17", "002"],
                                                                     ["S-41", "001"]]


def test_unknown_type_on_the_counter_form_goes_back_with_a_message(staff, resident):
    r = staff.get(f"/staff/residents/{resident.id}/letters/new?type=XYZ")
    assert r.status_code == 302
    assert "tidak tersedia" in staff.get(r.headers["Location"]).text
