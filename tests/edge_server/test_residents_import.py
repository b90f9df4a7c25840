"""Importing an OpenSID resident export: all or nothing, every bad line reported, BOM and `;`, big files, CLI."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from drivers.idcard import make_nik
from edge_server.models import AuditLog, Resident
from edge_server.residents import importer, service

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 28)
HEADER = ["nik", "nama", "no_kk", "sex", "tempat_lahir", "tanggal_lahir", "agama", "pekerjaan", "status_kawin",
          "alamat", "dusun", "rt", "rw"]


def person(i: int, *, born: date | None = None, sex: str = "L", name: str | None = None,
           birth_text: str | None = None) -> list[str]:
    born = born or date(1970, 1, 1) + timedelta(days=i % 15000)
    return [make_nik("331709", born, sex, i % 9999 + 1), name if name is not None else f"Warga Nomor {i}",
            f"3317091501{i % 100:02d}{i % 9999 + 1:04d}", sex, "Rembang",
            birth_text if birth_text is not None else born.isoformat(), "ISLAM", "PETANI", "KAWIN",
            "Jl. Melati", "Krajan", "001", "002"]


def csv_bytes(rows: list[list[str]], sep: str = ",", bom: bool = False, header: list[str] = HEADER) -> bytes:
    text = "\r\n".join(sep.join(r) for r in [header, *rows]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def test_clean_file_gives_rows_with_identity_fields():
    rows = [person(1, sex="P", born=date(1990, 3, 5)), person(2)]
    result = importer.parse_residents(csv_bytes(rows), TODAY)
    assert result.errors == []
    first = result.rows[0]
    assert first["nik"] == "3317094503900002" and first["sex"] == "P" and first["birth_date"] == date(1990, 3, 5)
    assert first["name"] == "Warga Nomor 1" and first["rt"] == "001" and first["dusun"] == "Krajan"


def test_bom_semicolons_other_header_spellings_and_day_first_dates():
    header = ["\ufeffNIK", "Nama Lengkap", "No. KK", "Jenis Kelamin", "Tempat Lahir", "Tgl Lahir", "Agama",
              "Pekerjaan", "Status Perkawinan", "Alamat", "Dusun", "RT", "RW"]
    row = person(7, born=date(1985, 12, 24), birth_text="24-12-1985")
    row[3] = "LAKI-LAKI"
    data = csv_bytes([row], sep=";", bom=True, header=[h.lstrip("\ufeff") for h in header])
    result = importer.parse_residents(data, TODAY)
    assert result.errors == []
    assert result.rows[0]["birth_date"] == date(1985, 12, 24) and result.rows[0]["sex"] == "L"


def test_every_kind_of_bad_line_is_reported_with_its_line_number():
    """GIVEN a file with an invalid NIK, a duplicate NIK, a bad date and a missing name
    THEN each is reported as `line N: why` with N counting the file's lines (header = 1)."""
    rows = [person(1), person(2)]
    bad_nik = person(3)
    bad_nik[0] = "3317093213900001"  # day 32
    duplicate = person(1)
    bad_date = person(4, birth_text="31-02-1990")
    no_name = person(5, name="")
    short_nik = person(6)
    short_nik[0] = "12345"
    data = csv_bytes([*rows, bad_nik, duplicate, bad_date, no_name, short_nik])
    result = importer.parse_residents(data, TODAY)
    lines = [e.text() for e in result.errors]
    assert [e.line for e in result.errors] == [4, 5, 6, 7, 8]
    assert lines[0].startswith("line 4: NIK 3317**********01 tidak valid")
    assert "ganda" in lines[1] and "baris 2" in lines[1]
    assert lines[2].startswith("line 6: tanggal lahir '31-02-1990'")
    assert lines[3].startswith("line 7: nama kosong")
    assert "16 angka" in lines[4]


def test_line_numbers_count_physical_lines_with_blank_and_multiline_records():
    data = ('nik,nama,alamat\n\n'
            f'{make_nik("331709", date(1980, 1, 1), "L", 1)},"Budi","Jl. A\nGang B"\n'
            '123,Ani,Jl. C\n').encode()
    result = importer.parse_residents(data, TODAY)
    assert [e.line for e in result.errors] == [5]


def test_missing_required_column_is_reported_on_the_header_line():
    result = importer.parse_residents(b"nama;alamat\nBudi;Jl. A\n", TODAY)
    assert [e.text() for e in result.errors] == ["line 1: kolom wajib tidak ada: nik"]


def test_temporary_nik_is_accepted_from_staff_files():
    row = person(1)
    row[0] = "0" + row[0][1:]
    result = importer.parse_residents(csv_bytes([row]), TODAY)
    assert result.errors == [] and result.rows[0]["nik"].startswith("0")


def test_import_is_all_or_nothing_and_reimport_updates_by_nik(app):
    with app.app_context():
        before = Resident.select().count()
        bad = importer.parse_residents(csv_bytes([person(1), person(2, name="")]), TODAY)
        assert bad.errors and Resident.select().count() == before
        good = importer.parse_residents(csv_bytes([person(1), person(2)]), TODAY)
        now = app.extensions["clock"].utcnow()
        assert service.import_rows(good.rows, now) == (2, 0)
        nik = good.rows[0]["nik"]
        service.set_pin(Resident.get(Resident.nik == nik), app.extensions["edge_config"].pin_hash, now, "402915")
        again = importer.parse_residents(csv_bytes([person(1, name="Warga Baru"), person(3)]), TODAY)
        assert service.import_rows(again.rows, now) == (1, 1)
        updated = Resident.get(Resident.nik == nik)
        assert updated.name == "Warga Baru" and updated.pin_hash  # identity updated, PIN kept
        assert Resident.select().count() == before + 3


def test_five_thousand_rows_import_quickly(app):
    rows = [person(i) for i in range(5000)]
    for i, row in enumerate(rows):  # 5,000 distinct NIKs
        row[0] = make_nik("331709", date(1950, 1, 1) + timedelta(days=i), "L" if i % 2 else "P", i % 9000 + 1)
    data = csv_bytes(rows, sep=";", bom=True)
    started = time.monotonic()
    parsed = importer.parse_residents(data, TODAY)
    with app.app_context():
        created, updated = service.import_rows(parsed.rows, app.extensions["clock"].utcnow())
        assert Resident.select().where(Resident.nik.in_([r[0] for r in rows[:100]])).count() == 100
    elapsed = time.monotonic() - started
    assert parsed.errors == [] and (created, updated) == (5000, 0)
    assert elapsed < 10, f"5,000 rows took {elapsed:.1f} s"


def run_cli(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANJUNGAN_PIN_HASH": "scrypt:1024:8:1", "ANJUNGAN_PASSWORD_HASH": "scrypt:1024:8:1"}
    return subprocess.run([sys.executable, "-m", "edge_server", "residents", "import", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_cli_imports_a_good_file_and_refuses_a_bad_one(tmp_path):
    data_dir = tmp_path / "edge"
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([person(i) for i in range(1, 31)], sep=";", bom=True))
    done = run_cli(str(good), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert "imported 30 residents: 30 new, 0 updated" in done.stdout
    assert "\r" not in done.stderr  # no progress bar when stderr is not a terminal

    bad = tmp_path / "bad.csv"
    broken = person(40, name="")
    bad.write_bytes(csv_bytes([person(41), broken, person(1, birth_text="1990-13-01")]))
    refused = run_cli(str(bad), "--data-dir", str(data_dir))
    assert refused.returncode != 0
    out = refused.stdout.splitlines()
    assert out[0].startswith("line 3: nama kosong") and out[1].startswith("line 4: tanggal lahir")
    assert len(out) == 2
    for line in out:  # never a full NIK on the screen
        assert not any(len(word) == 16 and word.isdigit() for word in line.replace(",", " ").split())

    import sqlite3

    with sqlite3.connect(data_dir / "edge.sqlite3") as db:
        assert db.execute("select count(*) from resident").fetchone()[0] == 30  # the good line of bad.csv not in

    full = run_cli(str(good), "--data-dir", str(data_dir), "--full")  # nobody missing: nothing to confirm
    assert full.returncode == 0 and "0 deactivated" in full.stdout  # more in test_full_import.py


def test_staff_upload_reports_bad_lines_and_imports_good_files(staff, app):
    bad = csv_bytes([person(1), person(2, birth_text="kemarin")])
    page = staff.raw.post("/staff/residents/import", data={"csrf_token": staff.token, "file": (
        io.BytesIO(bad), "penduduk.csv")}, content_type="multipart/form-data")
    assert page.status_code == 400
    assert "line 3: tanggal lahir &#39;kemarin&#39;" in page.text
    big = csv_bytes([person(i) for i in range(1, 1500)])
    assert len(big) > 64 * 1024  # over the API body limit: uploads are allowed more
    page = staff.raw.post("/staff/residents/import", data={"csrf_token": staff.token, "file": (
        io.BytesIO(big), "penduduk.csv")}, content_type="multipart/form-data")
    assert page.status_code == 200 and "1499 penduduk baru" in page.text
    with app.app_context():
        assert AuditLog.select().where(AuditLog.action == "resident.import").count() == 1


def test_staff_upload_needs_the_csrf_token(staff):
    page = staff.raw.post("/staff/residents/import", data={"file": (
        io.BytesIO(csv_bytes([person(1)])), "p.csv")}, content_type="multipart/form-data")
    assert page.status_code == 400


class FakeTerminal(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_bar_only_on_a_terminal_and_only_for_large_files():
    from edge_server.residents_cli import Progress

    terminal, pipe = FakeTerminal(True), FakeTerminal(False)
    for stream in (terminal, pipe):
        bar = Progress("menyimpan", stream=stream)
        bar(2500, 5000)
        bar(5000, 5000)
    assert "\rmenyimpan [" in terminal.getvalue() and "5000/5000\n" in terminal.getvalue()
    assert pipe.getvalue() == ""
    small = FakeTerminal(True)
    Progress("x", stream=small)(10, 10)
    assert small.getvalue() == ""
