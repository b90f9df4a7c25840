"""Staff letter pages (inbox, request page, print view, PDF, admin) and the public /s and /verifikasi pages."""
from __future__ import annotations

import re

import pytest

from edge_server.models import AuditLog, LetterType
from tests.tools import requires


@pytest.fixture
def letter(kiosk, demo):
    """A Surat Keterangan Domisili requested at the kiosk by a demo resident with an e-KTP tag."""
    person = next(r for r in demo["residents"] if "rfid" in r)
    session = kiosk.post("/api/v1/identify", json={"scan": person["rfid"]}).json["session"]
    r = kiosk.post("/api/v1/letters", json={"type": "S-41", "fields": {"keperluan": "Melamar kerja di pabrik"}},
                   headers={"X-Kiosk-Session": session})
    assert r.status_code == 201
    return {**r.json["letter"], "person": person}


def approve(staff, letter_id):
    r = staff.post(f"/staff/api/letters/{letter_id}/status", json={"status": 2})
    assert r.status_code == 200, r.json
    return r.json["letter"]


def test_inbox_lists_open_requests_with_counts_per_status(staff, letter):
    page = staff.get("/staff/letters")
    assert page.status_code == 200 and letter["reference"] in page.text
    assert re.search(r'data-status="0"[^>]*>belum lengkap \(<span class="count">1</span>\)', page.text)
    approve(staff, letter["id"])
    assert letter["reference"] not in staff.get("/staff/letters?status=0").text
    two = staff.get("/staff/letters?status=2").text
    assert letter["reference"] in two and "S-41/001/" in two


def test_request_page_shows_resident_fields_documents_and_moves(staff, letter):
    page = staff.get(f"/staff/letters/{letter['id']}")
    assert letter["person"]["name"] in page.text and letter["person"]["nik"] in page.text
    assert 'value="Melamar kerja di pabrik"' in page.text
    assert "Surat Pengantar RT/RW" in page.text and "Fotokopi KK" in page.text
    # only the next step in DOMAIN.md's order (and cancel) is offered
    assert 'data-status="1"' in page.text and 'data-status="5"' in page.text
    assert not any(f'data-status="{s}"' in page.text for s in (0, 2, 3, 4))


def test_staff_correct_the_fields(staff, letter, app):
    r = staff.raw.post(f"/staff/letters/{letter['id']}", data={"csrf_token": staff.token,
                                                               "field_keperluan": "Pendaftaran sekolah"})
    assert r.status_code == 302
    assert 'value="Pendaftaran sekolah"' in staff.get(f"/staff/letters/{letter['id']}").text
    with app.app_context():
        assert AuditLog.select().where(AuditLog.action == "letter.fields").count() == 1


@pytest.mark.parametrize("paper,size", [("a4", "210mm 297mm"), ("f4", "215mm 330mm"), ("bogus", "210mm 297mm")])
def test_print_view_is_the_whole_letter(staff, letter, paper, size):
    numbered = approve(staff, letter["id"])
    page = staff.get(f"/staff/letters/{letter['id']}/print?paper={paper}")
    text = page.text
    assert page.status_code == 200 and f"size: {size}" in text
    assert "Pemerintah Kabupaten Rembang" in text and "Kecamatan Kaliori" in text and "Desa Mojowarno" in text
    assert "SURAT KETERANGAN DOMISILI" in text and numbered["letter_number"] in text
    for label in ("NIK", "Nama", "Tempat/Tanggal Lahir", "Jenis Kelamin", "Agama", "Pekerjaan", "Alamat", "No. KK"):
        assert f"<td>{label}</td>" in text
    assert letter["person"]["nik"] in text and letter["person"]["name"] in text
    assert "Melamar kerja di pabrik" in text and "berlaku sampai dengan tanggal" in text
    assert re.search(r"Mojowarno, \d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|"
                     r"November|Desember) \d{4}", text)
    assert "Kepala Desa Mojowarno" in text and "Sutrisno" in text
    assert "<svg" in text and numbered["verification_url"] in text
    assert "http://" not in text.replace(numbered["verification_url"], "").replace("http://www.w3.org", "")


def test_print_view_stays_indonesian_for_an_english_console(staff, letter):
    approve(staff, letter["id"])
    staff.raw.post("/staff/language", data={"csrf_token": staff.token, "lang": "en"})
    assert "Log out" in staff.get("/staff/letters").text  # the console is in English now
    text = staff.get(f"/staff/letters/{letter['id']}/print").text
    assert "menerangkan bahwa" in text and "Nomor:" in text and "Pemerintah Kabupaten" in text


def test_an_unnumbered_letter_prints_as_a_draft(staff, letter):
    text = staff.get(f"/staff/letters/{letter['id']}/print").text
    assert "DRAF" in text and "<svg" not in text


@pytest.mark.slow
@requires("chromium")
@pytest.mark.parametrize("paper,height_pt", [("a4", 842), ("f4", 935)])
def test_pdf_download(staff, letter, paper, height_pt):
    approve(staff, letter["id"])
    r = staff.get(f"/staff/letters/{letter['id']}/pdf?paper={paper}")
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    assert "attachment" in r.headers["Content-Disposition"]
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\]", r.data)
    assert box and abs(float(box.group(2)) - height_pt) < 2


def test_public_status_page_shows_no_nik_and_no_full_name(client, letter, staff):
    path = letter["track_url"].split("8080", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and letter["reference"] in page.text and "belum lengkap" in page.text
    assert letter["person"]["nik"] not in page.text and letter["person"]["name"] not in page.text
    approve(staff, letter["id"])
    assert "menunggu tanda tangan" in client.get(path).text
    assert client.get("/s/tidak-ada").status_code == 404


def test_verification_page_confirms_a_numbered_letter(client, letter, staff):
    numbered = approve(staff, letter["id"])
    path = numbered["verification_url"].split("8080", 1)[1]
    page = client.get(path)
    assert page.status_code == 200
    text = page.text
    assert numbered["letter_number"] in text and "Surat Keterangan Domisili" in text and "Mojowarno" in text
    assert letter["person"]["nik"] not in text and letter["person"]["name"] not in text
    first, last = letter["person"]["name"].split()[0], letter["person"]["name"].split()[-1]
    assert f"{first[0]}{'*' * (len(first) - 2)}{first[-1]}" in text and last not in text
    staff.post(f"/staff/api/letters/{letter['id']}/status", json={"status": 5})
    assert "dibatalkan" in client.get(path).text


def test_unknown_verification_code_says_so_with_404(client, letter):
    page = client.get("/verifikasi/AAAAAAAAAAAAAAAAAAAAAAAA")
    assert page.status_code == 404 and "tidak dikenal" in page.text


def test_admin_edits_a_letter_type(staff, app, kiosk):
    with app.app_context():
        type_id = LetterType.get(LetterType.code == "S-41").id
    page = staff.get(f"/staff/admin/letter-types/{type_id}")
    assert "keperluan | Keperluan | wajib" in page.text
    r = staff.raw.post(f"/staff/admin/letter-types/{type_id}", data={
        "csrf_token": staff.token, "code": "S-41", "name": "Surat Keterangan Domisili Tinggal",
        "fields": "keperluan | Keperluan | wajib\nlama_tinggal | Lama tinggal | opsional",
        "requirements": "Fotokopi KK\nFotokopi KTP", "template": "Tinggal {lama_tinggal}. {keperluan}.",
        "validity_days": "60", "active": "on"})
    assert r.status_code == 302
    assert "S-41" not in {t["code"] for t in kiosk.get("/api/v1/letter-types").json["letter_types"]}
    with app.app_context():
        edited = LetterType.get_by_id(type_id)
        assert edited.name.endswith("Tinggal") and edited.validity_days == 60 and not edited.self_service
        assert AuditLog.select().where(AuditLog.action == "letter_type.save").count() == 1


def test_admin_adds_a_staff_only_type_and_staff_open_a_request_with_it(staff, app, demo):
    r = staff.raw.post("/staff/admin/letter-types/new", data={
        "csrf_token": staff.token, "code": "474", "name": "Surat Keterangan Kelahiran",
        "fields": "nama_bayi | Nama bayi | wajib", "requirements": "Surat keterangan lahir dari bidan",
        "template": "Telah lahir {nama_bayi}.", "validity_days": "0", "active": "on"})
    assert r.status_code == 302
    with app.app_context():
        from edge_server.models import Resident

        rid = Resident.get(Resident.nik == demo["residents"][0]["nik"]).id
    r = staff.raw.post(f"/staff/residents/{rid}/letters", data={"csrf_token": staff.token, "type": "474"})
    assert r.status_code == 302 and "/staff/letters/" in r.headers["Location"]
    page = staff.get(r.headers["Location"])
    assert "Surat Keterangan Kelahiran" in page.text and "Nama bayi" in page.text


def test_letter_settings_switch_to_one_counter_and_a_custom_format(staff, app, letter):
    r = staff.raw.post("/staff/admin/letter-settings", data={
        "csrf_token": staff.token, "letter_counter": "global",
        "letter_number_format": "470/{number}/{code}/{year}", "letter_pickup_service": ""})
    assert r.status_code == 302
    assert approve(staff, letter["id"])["letter_number"].startswith("470/001/S-41/")
    bad = staff.raw.post("/staff/admin/letter-settings", data={
        "csrf_token": staff.token, "letter_counter": "global", "letter_number_format": "{code}/{tahun}"})
    assert bad.status_code == 302
    assert "tidak sah" in staff.get("/staff/admin/letter-types").text


def test_operators_cannot_open_admin_letter_pages(app, demo):
    from tests.edge_server.conftest import login

    client = app.test_client()
    operator = next(s for s in demo["staff"] if s["role"] == "operator")
    login(client, operator["username"], operator["password"])
    assert client.get("/staff/admin/letter-types").status_code == 302
    assert client.get("/staff/letters").status_code == 200
