"""`residents import --full`: the file is the whole population; residents missing from it become inactive after
a confirmation (or --yes), and an inactive resident can no longer identify at the kiosk."""
from __future__ import annotations

import io
import re
import sqlite3

import pytest

from edge_server.models import AuditLog, Resident
from edge_server.residents import full_import
from edge_server.residents.service import IDENTITY_COLUMNS
from tests.edge_server.test_residents_import import csv_bytes, person, run_cli


def test_plan_deactivates_missing_residents_but_never_temporary_niks():
    known = [(1, "3317090101700001", True), (2, "3317090101700002", True), (3, "3317090101700003", False),
             (4, "0317090101700004", True), (5, "3317090101700005", False)]
    plan = full_import.make_plan({"3317090101700001", "3317090101700003"}, known)
    assert plan.deactivate == (2,) and plan.reactivate == (3,) and plan.kept_temporary == 1


@pytest.mark.slow
def test_cli_full_import_asks_refuses_without_a_terminal_and_deactivates_with_yes(tmp_path):
    data_dir = tmp_path / "edge"
    everyone = tmp_path / "everyone.csv"
    everyone.write_bytes(csv_bytes([person(i) for i in range(1, 11)]))
    assert run_cli(str(everyone), "--data-dir", str(data_dir)).returncode == 0
    moved_away = tmp_path / "now.csv"
    moved_away.write_bytes(csv_bytes([person(i) for i in range(1, 8)] + [person(20)]))

    refused = run_cli(str(moved_away), "--data-dir", str(data_dir), "--full")
    assert refused.returncode == 2
    assert "3 active residents are not in it" in refused.stdout
    assert "--yes" in refused.stderr and "nothing imported" in refused.stderr
    with sqlite3.connect(data_dir / "edge.sqlite3") as db:
        assert db.execute("select count(*) from resident where active").fetchone()[0] == 10
        assert db.execute("select count(*) from resident").fetchone()[0] == 10

    done = run_cli(str(moved_away), "--data-dir", str(data_dir), "--full", "--yes")
    assert done.returncode == 0, done.stderr
    assert "imported 8 residents (full): 1 new, 7 updated, 3 deactivated, 0 reactivated" in done.stdout
    for line in (done.stdout + done.stderr).splitlines():  # never a full NIK on the screen
        assert not re.search(r"\d{16}", line)
    with sqlite3.connect(data_dir / "edge.sqlite3") as db:
        inactive = {nik for (nik,) in db.execute("select nik from resident where not active")}
        assert inactive == {person(i)[0] for i in (8, 9, 10)}
        action, detail = db.execute("select action, detail from audit_log where action like 'resident.import%' "
                                    "order by id desc").fetchone()
        assert action == "resident.import_full" and "deactivated=3" in detail

    back = tmp_path / "back.csv"
    back.write_bytes(csv_bytes([person(i) for i in range(1, 11)] + [person(20)]))
    again = run_cli(str(back), "--data-dir", str(data_dir), "--full")  # nobody to deactivate: no question
    assert again.returncode == 0 and "0 deactivated, 3 reactivated" in again.stdout


def _rows_without(app, nik: str) -> list[dict]:
    with app.app_context():
        return [{"nik": r.nik, **{c: getattr(r, c) for c in IDENTITY_COLUMNS}}
                for r in Resident.select() if r.nik != nik and not r.temporary]


def test_a_deactivated_resident_cannot_identify_at_the_kiosk(app, kiosk, demo, clock):
    person_ = next(r for r in demo["residents"] if "rfid" in r and "pin" in r)
    assert kiosk.post("/api/v1/identify", json={"scan": person_["rfid"]}).status_code == 200
    with app.app_context():
        report = full_import.apply(_rows_without(app, person_["nik"]), clock.utcnow(), full=True)
        assert report.deactivated == 1 and report.added == 0
        assert Resident.get(Resident.nik == person_["nik"]).active is False
    by_tag = kiosk.post("/api/v1/identify", json={"scan": person_["rfid"]})
    assert by_tag.status_code == 404 and by_tag.json["error"]["code"] == "unknown_resident"
    by_scan = kiosk.post("/api/v1/identify", json={"scan": person_["nik"]})
    assert by_scan.status_code == 404
    by_pin = kiosk.post("/api/v1/identify", json={"nik": person_["nik"], "pin": person_["pin"]})
    assert by_pin.status_code == 401 and by_pin.json["error"]["code"] == "wrong_pin"


def test_console_full_upload_shows_the_count_and_waits_for_confirmation(staff, app, demo):
    gone = demo["residents"][2]["nik"]
    rows = _rows_without(app, gone)
    header = ["nik", "nama", "no_kk", "sex", "tempat_lahir", "tanggal_lahir"]
    text = "\n".join([",".join(header)] + [",".join([r["nik"], r["name"], r["no_kk"], r["sex"], r["birth_place"],
                                                      r["birth_date"].isoformat() if r["birth_date"] else ""])
                                           for r in rows]).encode()
    first = staff.raw.post("/staff/residents/import", data={"csrf_token": staff.token, "full": "on",
                                                            "file": (io.BytesIO(text), "penduduk.csv")},
                           content_type="multipart/form-data")
    assert first.status_code == 200
    assert "1 penduduk aktif tidak ada di berkas dan akan dinonaktifkan" in first.text
    with app.app_context():
        assert Resident.get(Resident.nik == gone).active is True  # nothing yet
    token = re.search(r'name="pending" value="([^"]+)"', first.text).group(1)
    done = staff.raw.post("/staff/residents/import", data={"csrf_token": staff.token, "pending": token,
                                                           "action": "confirm"})
    assert done.status_code == 200 and "1 dinonaktifkan" in done.text
    with app.app_context():
        assert Resident.get(Resident.nik == gone).active is False
        assert AuditLog.select().where(AuditLog.action == "resident.import_full").count() == 1
    replay = staff.raw.post("/staff/residents/import", data={"csrf_token": staff.token, "pending": token,
                                                             "action": "confirm"})
    assert replay.status_code == 302  # a pending upload is used once


def test_console_full_upload_can_be_cancelled(staff, app, demo):
    text = csv_bytes([person(1)])
    first = staff.raw.post("/staff/residents/import", data={"csrf_token": staff.token, "full": "on",
                                                            "file": (io.BytesIO(text), "satu.csv")},
                           content_type="multipart/form-data")
    token = re.search(r'name="pending" value="([^"]+)"', first.text).group(1)
    r = staff.raw.post("/staff/residents/import", data={"csrf_token": staff.token, "pending": token,
                                                        "action": "cancel"})
    assert r.status_code == 302 and "dibatalkan" in staff.get(r.headers["Location"]).text
    with app.app_context():
        assert Resident.select().where(Resident.active == False).count() == 0  # noqa: E712
