"""Residents from a real OpenSID export: the XLSX of "Ekspor Penduduk" (codes) and "Ekspor Penduduk Huruf"
(labels), its temporary NIKs, `-` for empty, mixed case, and what Excel does to NIKs and dates."""
from __future__ import annotations

import io
import os
import re
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl

from drivers.idcard import make_nik
from edge_server.models import Resident
from edge_server.residents import full_import, importer, opensid_codes, spreadsheet
from tests.opensid_export import COLUMNS, as_labels, resident, temporary_nik, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 28)


def parse_xlsx(tmp_path: Path, rows: list[dict], name: str = "penduduk_28_11_2026.xlsx") -> importer.ImportResult:
    return importer.parse_residents(write_xlsx(tmp_path / name, rows).read_bytes(), TODAY)


def stored(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "line"}


def test_code_export_maps_every_reference_table_to_the_printed_spelling(tmp_path):
    farmer = resident(1, pekerjaan_id="9", kk_level="1", golongan_darah_id="4", pendidikan_kk_id="8")
    result = parse_xlsx(tmp_path, [farmer, resident(2, sex="P", pekerjaan_id="88", agama_id="3")])
    assert result.errors == [] and result.warnings == []
    first, second = result.rows
    assert (first["occupation"], first["religion"], first["marital_status"]) == ("Petani/Pekebun", "Islam", "Kawin")
    assert (first["family_relation"], first["blood_type"], first["education"]) == (
        "Kepala Keluarga", "O", "Diploma IV/Strata I")
    assert (first["citizenship"], first["disability"], first["life_status"]) == ("WNI", "Tidak Cacat", "Hidup")
    assert first["active"] is True and first["line"] == 2
    assert (second["occupation"], second["religion"], second["sex"]) == ("Wiraswasta", "Katholik", "P")


def test_label_export_stores_exactly_what_the_code_export_stores(tmp_path):
    people = [resident(i, sex="LP"[i % 2], status_dasar="2" if i == 4 else "1") for i in range(1, 9)]
    by_code = parse_xlsx(tmp_path, people, "kode.xlsx")
    by_label = parse_xlsx(tmp_path, [as_labels(p) for p in people], "huruf.xlsx")
    assert by_code.errors == [] and by_label.errors == []
    assert as_labels(people[0])["pekerjaan_id"] == "PETANI/PEKEBUN"  # the file really carries labels
    assert [stored(r) for r in by_label.rows] == [stored(r) for r in by_code.rows]


def test_mixed_case_labels_and_spacing_variants_are_one_label():
    for value in ("petani/pekebun", "Petani / Pekebun", " PETANI/PEKEBUN "):
        assert opensid_codes.to_label("occupation", value) == "Petani/Pekebun"
    assert opensid_codes.to_label("education", "TAMAT SD / SEDERAJAT") == "Tamat SD/Sederajat"
    assert opensid_codes.to_label("religion", "katolik") == "Katholik"
    assert opensid_codes.to_label("occupation", "0") == ""  # a stored 0 is written empty
    assert len(opensid_codes.OCCUPATION) == 89 and opensid_codes.OCCUPATION["89"] == "Lainnya"


def test_unknown_code_is_a_line_error_naming_the_column(tmp_path):
    result = parse_xlsx(tmp_path, [resident(1), resident(2, pekerjaan_id="95"), resident(3, agama_id="12")])
    texts = [e.text() for e in result.errors]
    assert [e.line for e in result.errors] == [3, 4]
    assert texts[0].startswith("line 3: kode pekerjaan '95' tidak dikenal") and "agama '12'" in texts[1]


def test_temporary_niks_import_as_staff_held_ones(tmp_path, app, kiosk):
    temporary = resident(5, sex="P", nik=temporary_nik(17), tanggallahir="2001-07-14")
    result = parse_xlsx(tmp_path, [resident(1), temporary])
    assert result.errors == [] and result.warnings == []
    row = result.rows[1]
    assert row["nik"] == "0331709201600017" and row["birth_date"] == date(2001, 7, 14) and row["sex"] == "P"
    with app.app_context():
        full_import.apply(result.rows, app.extensions["clock"].utcnow(), full=False)
        saved = Resident.get(Resident.nik == "0331709201600017")
        assert saved.temporary and saved.active
    scan = kiosk.post("/api/v1/identify", json={"scan": "0331709201600017"})
    assert scan.status_code == 400 and scan.json["error"]["code"] == "invalid_scan"
    pin = kiosk.post("/api/v1/identify", json={"nik": "0331709201600017", "pin": "123456"})
    assert pin.status_code == 400


def test_dash_is_empty_dusun_rt_rw_have_one_form_and_alamat_falls_back(tmp_path):
    rows = [resident(1, dusun="DUSUN KRAJAN", rt="2", rw="001"), resident(2, dusun="krajan", rt="002", rw="1"),
            resident(3, dusun="-", rt="-", rw="-", alamat="-", alamat_sekarang="Jl. Kenanga 4",
                     tempatlahir="-", no_kk="-")]
    result = parse_xlsx(tmp_path, rows)
    assert result.errors == []
    one, two, three = result.rows
    assert (one["dusun"], one["rt"], one["rw"]) == ("Krajan", "002", "001") == (two["dusun"], two["rt"], two["rw"])
    assert (three["dusun"], three["rt"], three["rw"], three["no_kk"], three["birth_place"]) == ("", "", "", "", "")
    assert three["address"] == "Jl. Kenanga 4"


def test_residents_not_alive_import_inactive_and_a_full_import_does_not_revive_them(tmp_path, app):
    people = [resident(i) for i in range(1, 5)]
    with app.app_context():
        now = app.extensions["clock"].utcnow()
        full_import.apply(parse_xlsx(tmp_path, people, "a.xlsx").rows, now, full=False)
        people[1]["status_dasar"] = "2"  # MATI
        people[2]["status_dasar"] = "PINDAH"
        result = parse_xlsx(tmp_path, people, "b.xlsx")
        assert [r["active"] for r in result.rows] == [True, False, False, True]
        report = full_import.apply(result.rows, now, full=True)
        assert report.not_alive == 2 and report.reactivated == 0
        active = {r.nik: r.active for r in Resident.select().where(Resident.nik.in_([p["nik"] for p in people]))}
        assert [active[p["nik"]] for p in people] == [True, False, False, True]
        assert Resident.get(Resident.nik == people[1]["nik"]).life_status == "Mati"
        people[1]["status_dasar"] = "1"  # the register corrected: alive again
        again = full_import.apply(parse_xlsx(tmp_path, people, "c.xlsx").rows, now, full=True)
        assert again.reactivated == 1 and Resident.get(Resident.nik == people[1]["nik"]).active


def test_birth_date_or_sex_against_the_nik_is_a_warning_and_the_import_still_runs(tmp_path):
    born = date(1990, 5, 3)
    wrong_date = resident(1, born=born, tanggallahir="1990-05-04")
    wrong_sex = resident(2, born=born, sex="L")
    wrong_sex["sex"] = "2"
    result = parse_xlsx(tmp_path, [wrong_date, wrong_sex])
    assert result.errors == [] and len(result.rows) == 2
    texts = [w.text() for w in result.warnings]
    assert texts[0] == ("line 2: tanggal lahir 1990-05-04 tidak sama dengan tanggal dalam NIK 3317**********02 "
                        "(1990-05-03)")
    assert texts[1].startswith("line 3: jenis kelamin P tidak sama dengan NIK")


def test_ambiguous_day_month_dates_are_resolved_by_the_nik(tmp_path):
    may_third = resident(1, born=date(1990, 5, 3), tanggallahir="05/03/1990")  # month-first (English Excel)
    march_fifth = resident(2, born=date(1990, 3, 5), tanggallahir="05/03/1990")  # day-first
    us_only = resident(3, born=date(1990, 3, 25), tanggallahir="03/25/1990")
    data = write_csv(tmp_path / "p.csv", [may_third, march_fifth, us_only], sep=",").read_bytes()
    result = importer.parse_residents(data, TODAY)
    assert result.errors == [] and result.warnings == []
    assert [r["birth_date"] for r in result.rows] == [date(1990, 5, 3), date(1990, 3, 5), date(1990, 3, 25)]


def test_excel_scientific_notation_nik_says_what_happened_and_how_to_fix_it(tmp_path):
    rows = [resident(1), resident(2, nik="3.31709E+15"), resident(3, no_kk="3.31709E+15")]
    result = importer.parse_residents(write_csv(tmp_path / "p.csv", rows).read_bytes(), TODAY)
    texts = [e.text() for e in result.errors]
    assert [e.line for e in result.errors] == [3, 4]
    assert texts[0].startswith("line 3: NIK 3.31709E+15 diubah Excel menjadi angka") and "sebagai Teks" in texts[0]
    assert texts[1].startswith("line 4: nomor KK 3.31709E+15 diubah Excel") and "3317" in texts[1]


def test_a_nik_saved_as_a_number_in_the_workbook_is_refused_at_its_sheet_row(tmp_path):
    """GIVEN a workbook saved again from Excel (openpyxl: shared strings) where one NIK cell became a number
    and a temporary NIK lost its leading 0 THEN both rows are refused by their sheet row, with the fix."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    good = resident(1)
    sheet.append([good[c] for c in COLUMNS])
    numeric = resident(2)
    sheet.append([int(numeric[c]) if c == "nik" else numeric[c] for c in COLUMNS])
    sheet.append([])  # an empty row still counts as a sheet row
    lost_zero = resident(3, nik=temporary_nik(4))
    sheet.append([int(lost_zero[c]) if c == "nik" else lost_zero[c] for c in COLUMNS])
    path = tmp_path / "saved_again.xlsx"
    book.save(path)
    result = importer.parse_residents(path.read_bytes(), TODAY)
    texts = [e.text() for e in result.errors]
    assert [e.line for e in result.errors] == [3, 5]
    assert texts[0].startswith("line 3: NIK 3.31709E+15 diubah Excel") and "Teks" in texts[1]


def test_openpyxl_workbook_with_mixed_case_labels_and_date_cells(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    person = as_labels(resident(1, born=date(1985, 12, 24)))
    person.update(agama_id="islam", pekerjaan_id="Petani/pekebun", status_kawin="kawin", kk_level="Kepala Keluarga")
    sheet.append([date(1985, 12, 24) if c == "tanggallahir" else person[c] for c in COLUMNS])
    path = tmp_path / "huruf.xlsx"
    book.save(path)
    result = importer.parse_residents(path.read_bytes(), TODAY)
    assert result.errors == [] and result.warnings == []
    row = result.rows[0]
    assert (row["religion"], row["occupation"], row["marital_status"], row["family_relation"]) == (
        "Islam", "Petani/Pekebun", "Kawin", "Kepala Keluarga")
    assert row["birth_date"] == date(1985, 12, 24)


def test_the_resident_sheet_is_found_behind_an_instructions_sheet(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Petunjuk"
    book.active.append(["Isi data penduduk di lembar berikut; kolom nik dan no_kk bertipe teks."])
    sheet = book.create_sheet("Data Penduduk")
    sheet.append(list(COLUMNS))
    for i in (1, 2):
        sheet.append([resident(i)[c] for c in COLUMNS])
    sheet.append([resident(3, nama="")[c] for c in COLUMNS])
    path = tmp_path / "contoh_penduduk.xlsx"
    book.save(path)
    result = importer.parse_residents(path.read_bytes(), TODAY)
    assert [e.text()[:20] for e in result.errors] == ["line 4: nama kosong "]
    assert [r["nik"] for r in result.rows] == [resident(1)["nik"], resident(2)["nik"]]


def test_csv_saved_from_excel_with_either_separator_bom_and_crlf(tmp_path):
    people = [resident(i) for i in range(1, 4)]
    semicolon = importer.parse_residents(write_csv(tmp_path / "a.csv", people, ";").read_bytes(), TODAY)
    comma = importer.parse_residents(write_csv(tmp_path / "b.csv", people, ",", bom=False).read_bytes(), TODAY)
    from_xlsx = parse_xlsx(tmp_path, people)
    assert semicolon.errors == [] and comma.errors == []
    assert [stored(r) for r in semicolon.rows] == [stored(r) for r in comma.rows] == [
        stored(r) for r in from_xlsx.rows]


def test_a_damaged_workbook_is_one_error_on_line_1():
    result = importer.parse_residents(b"PK\x03\x04 not really a zip", TODAY)
    assert [e.text() for e in result.errors] == ["line 1: berkas Excel rusak atau bukan XLSX"]
    assert spreadsheet.cell_text(3317092016000001.0) == "3.31709E+15" and spreadsheet.cell_text(2.0) == "2"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANJUNGAN_PIN_HASH": "scrypt:1024:8:1", "ANJUNGAN_PASSWORD_HASH": "scrypt:1024:8:1"}
    return subprocess.run([sys.executable, "-m", "edge_server", "residents", "import", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_imports_opensid_xlsx_all_or_nothing_with_sheet_rows(tmp_path):
    data_dir = tmp_path / "edge"
    people = [resident(i) for i in range(1, 21)] + [resident(30, nik=temporary_nik(1), status_dasar="2")]
    people[4]["tanggallahir"] = "1901-01-01"  # disagrees with the NIK: a warning
    good = write_xlsx(tmp_path / "penduduk_28_11_2026.xlsx", people)
    done = run_cli(str(good), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert "imported 21 residents: 21 new, 0 updated, 1 inactive by status_dasar" in done.stdout
    assert re.search(r"^warning: line 6: tanggal lahir 1901-01-01 tidak sama", done.stderr, re.M)

    bad = write_xlsx(tmp_path / "bad.xlsx", [resident(40), resident(41, nama="-"), resident(42, pekerjaan_id="99")])
    refused = run_cli(str(bad), "--data-dir", str(data_dir))
    assert refused.returncode != 0
    out = refused.stdout.splitlines()
    assert out[0].startswith("line 3: nama kosong") and out[1].startswith("line 4: kode pekerjaan '99'")
    for line in (refused.stdout + done.stdout + done.stderr).splitlines():  # never a full NIK on the screen
        assert not re.search(r"\d{16}", line)
    with sqlite3.connect(data_dir / "edge.sqlite3") as db:
        assert db.execute("select count(*) from resident").fetchone()[0] == 21
        assert db.execute("select occupation, rt from resident where nik = ?",
                          (people[0]["nik"],)).fetchone() == ("Petani/Pekebun", "001")
        assert db.execute("select active from resident where nik = ?", (temporary_nik(1),)).fetchone() == (0,)

    full = run_cli(str(good), "--data-dir", str(data_dir), "--full")
    assert full.returncode == 0 and "0 deactivated" in full.stdout


def test_console_takes_the_xlsx_as_opensid_wrote_it(staff, app, tmp_path):
    page = staff.get("/staff/residents/import")
    assert 'accept=".xlsx' in page.text and "<progress" in page.text
    people = [resident(i) for i in range(1, 6)]
    people[0]["tanggallahir"] = "1901-01-01"
    data = write_xlsx(tmp_path / "penduduk.xlsx", people).read_bytes()
    page = staff.raw.post("/staff/residents/import", data={"csrf_token": staff.token, "file": (
        io.BytesIO(data), "penduduk_28_11_2026.xlsx")}, content_type="multipart/form-data")
    assert page.status_code == 200 and "5 penduduk baru" in page.text
    assert 'id="import-warnings"' in page.text and "line 2: tanggal lahir 1901-01-01" in page.text
    with app.app_context():
        saved = Resident.get(Resident.nik == people[0]["nik"])
        assert (saved.occupation, saved.name, saved.rt) == ("Petani/Pekebun", "WARGA NOMOR 1", "001")
    detail = staff.get(f"/staff/residents/{saved.id}").text
    assert "Petani/Pekebun" in detail and '<td id="life-status">Hidup</td>' in detail

    people[2]["status_dasar"] = "MATI"  # a full import from the same workbook shape, through the confirmation
    full = write_xlsx(tmp_path / "full.xlsx", people[:3]).read_bytes()
    page = staff.raw.post("/staff/residents/import", data={"csrf_token": staff.token, "full": "on", "file": (
        io.BytesIO(full), "full.xlsx")}, content_type="multipart/form-data")
    token = re.search(r'name="pending" value="([^"]+)"', page.text).group(1)
    page = staff.raw.post("/staff/residents/import", data={"csrf_token": staff.token, "pending": token,
                                                          "action": "confirm"}, content_type="multipart/form-data")
    assert page.status_code == 200 and "1 penduduk berstatus dasar selain HIDUP" in page.text
    with app.app_context():
        assert not Resident.get(Resident.nik == people[2]["nik"]).active
        assert not Resident.get(Resident.nik == people[4]["nik"]).active  # missing from the full file

    bad = write_xlsx(tmp_path / "bad.xlsx", [resident(7, nik="3.31709E+15")]).read_bytes()
    page = staff.raw.post("/staff/residents/import", data={"csrf_token": staff.token, "file": (
        io.BytesIO(bad), "bad.xlsx")}, content_type="multipart/form-data")
    assert page.status_code == 400 and "line 2: NIK 3.31709E+15 diubah Excel" in page.text


def test_staff_can_edit_a_resident_holding_an_opensid_temporary_nik(app):
    from edge_server.residents import service

    with app.app_context():
        now = app.extensions["clock"].utcnow()
        saved = service.save_resident({"nik": temporary_nik(9), "name": "Bayi Baru", "sex": "P"}, now)
        assert saved.temporary and saved.nik == "0331709201600009"
        assert make_nik("331709", date(1990, 1, 1), "L", 1) != saved.nik


def test_every_import_reason_has_an_english_translation_with_the_same_placeholders():
    import ast

    from babel.messages.pofile import read_po

    reasons = set()
    for name in ("row_rules.py", "importer.py", "spreadsheet.py"):
        tree = ast.parse((ROOT / "edge_server/residents" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("BadLine", "UnreadableWorkbook"):
                reasons |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    assert len(reasons) >= 15
    with (ROOT / "edge_server/translations/en/LC_MESSAGES/messages.po").open("rb") as fh:
        english = read_po(fh)
    placeholder = re.compile(r"%\(\w+\)s")
    for reason in reasons:
        assert reason in english and english[reason].string, reason
        assert set(placeholder.findall(english[reason].string)) == set(placeholder.findall(reason)), reason


def test_opensids_own_label_spellings_map_to_the_stored_ones():
    assert opensid_codes.to_label("education", "TIDAK / BELUM SEKOLAH") == "Tidak/Belum Sekolah"
    assert opensid_codes.to_label("education", "AKADEMI/ DIPLOMA III/S. MUDA") == "Akademi/Diploma III/S. Muda"
    assert opensid_codes.to_label("religion", "Kepercayaan Terhadap Tuhan YME / Lainnya") == (
        "Kepercayaan Terhadap Tuhan YME")
    assert opensid_codes.to_label("life_status", "TIDAK VALID") == "Tidak Valid"
    assert opensid_codes.to_label("life_status", "5") is None  # no code 5 in tweb_status_dasar
    assert opensid_codes.to_label("blood_type", "AB-") == "AB-" and opensid_codes.to_label("blood_type", "c") is None


def test_migration_11_adds_the_opensid_columns_to_an_older_resident_table(app):
    from edge_server.db import database
    from edge_server.migrations import _resident_opensid_values

    with app.app_context():
        db = database.obj
        for column in ("education", "life_status"):
            db.execute_sql(f"ALTER TABLE resident DROP COLUMN {column}")
        assert "life_status" not in {c.name for c in db.get_columns("resident")}
        _resident_opensid_values(db)
        _resident_opensid_values(db)  # and again: nothing to add
        assert {"education", "life_status", "blood_type"} <= {c.name for c in db.get_columns("resident")}
        assert Resident.select().where(Resident.life_status == "").count() == Resident.select().count()
