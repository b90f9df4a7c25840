"""Letters as OpenSID names them: the catalogue's names and codes, migration 12 on an older install (numbering
kept), migration 13 cleaning residents imported before, and the print view showing labels, never codes."""
from __future__ import annotations

from edge_server.db import database
from edge_server.letters.catalog import OPENSID_RENAMES
from edge_server.migrations import _clean_imported_residents, _opensid_letter_catalogue
from edge_server.models import LetterRequest, LetterSequence, LetterType, Resident


def counter_letter(staff, resident_id: int, code: str) -> dict:
    r = staff.raw.post(f"/staff/residents/{resident_id}/letters", data={"csrf_token": staff.token, "type": code})
    assert r.status_code == 302, r.text
    letter_id = r.headers["Location"].rsplit("/", 1)[1]
    return staff.post(f"/staff/api/letters/{letter_id}/status", json={"status": 2}).json["letter"]


def test_kiosk_lists_opensids_names_and_the_three_added_types(kiosk):
    types = {t["code"]: t["name"] for t in kiosk.get("/api/v1/letter-types").json["letter_types"]}
    assert types["S-11"] == "Surat Keterangan Kurang Mampu" and types["S-01"] == "Surat Keterangan Pengantar"
    assert types["S-07"] == "Surat Pengantar Surat Keterangan Catatan Kepolisian"
    assert types["S-09"] == "Surat Keterangan Beda Identitas" and types["S-03"] == "Biodata Penduduk"
    assert types["S-43"] == "Surat Pengantar Permohonan Penerbitan Buku Pas Lintas"
    assert not {"S-17", "S-21", "S-04", "S-49"} & set(types)  # staff-only


def test_migration_12_renames_an_older_install_and_its_numbering_continues(staff, app, demo):
    """GIVEN an install from before migration 12: old names and codes, three letters of births already numbered
    474.1/001..003 this year, and an admin who renamed S-13 themselves
    WHEN migration 12 runs THEN codes and names are OpenSID's, the issued numbers are untouched, the next birth
    letter is S-17/004, the admin's name stays and the three missing types are added."""
    with app.app_context():
        resident_id = Resident.get(Resident.nik == demo["residents"][0]["nik"]).id
        for old_code, new_code, old_name, _new in OPENSID_RENAMES:
            LetterType.update(code=old_code, name=old_name).where(LetterType.code == new_code).execute()
        LetterType.update(name="Pengantar Kehilangan (nama kami)").where(LetterType.code == "S-13").execute()
        LetterType.delete().where(LetterType.code.in_(["S-09", "S-03", "S-43"])).execute()
    issued = [counter_letter(staff, resident_id, "474.1")["letter_number"] for _ in range(3)]
    assert [n.split("/")[:2] for n in issued] == [["474.1", "001"], ["474.1", "002"], ["474.1", "003"]]
    with app.app_context():
        with database.atomic():
            _opensid_letter_catalogue(database.obj)
        names = {t.code: t.name for t in LetterType.select()}
        assert "474.1" not in names and names["S-17"] == "Surat Keterangan Kelahiran"
        assert names["S-04"] == "Surat Keterangan Pindah Penduduk" and names["S-49"]
        assert names["S-11"] == "Surat Keterangan Kurang Mampu" and names["S-13"] == "Pengantar Kehilangan (nama kami)"
        assert {"S-09", "S-03", "S-43"} <= set(names)
        assert sorted(n for (n,) in LetterRequest.select(LetterRequest.letter_number).where(
            LetterRequest.letter_number.startswith("474.1/")).tuples()) == sorted(issued)
        assert LetterSequence.get(LetterSequence.scope == "S-17").last_number == 3
    after = counter_letter(staff, resident_id, "S-17")["letter_number"]
    assert after.split("/")[:2] == ["S-17", "004"]
    with app.app_context():  # running it again changes nothing
        before = sorted(LetterType.select(LetterType.code, LetterType.name).tuples())
        _opensid_letter_catalogue(database.obj)
        assert sorted(LetterType.select(LetterType.code, LetterType.name).tuples()) == before


def test_print_view_shows_labels_for_residents_imported_with_codes(staff, app, demo):
    """GIVEN a resident stored by the old import straight from OpenSID's codes ("88", "1", "RW -")
    THEN the letter prints "Wiraswasta", "Islam" and no dash for the missing RW; migration 13 cleans the row."""
    with app.app_context():
        resident = Resident.get(Resident.nik == demo["residents"][1]["nik"])
        Resident.update(occupation="88", religion="1", marital_status="2", rt="2", rw="-", dusun="DUSUN KRAJAN",
                        address="Jl. Mawar").where(Resident.id == resident.id).execute()
    letter = counter_letter(staff, resident.id, "S-41")
    text = staff.get(f"/staff/letters/{letter['id']}/print").text
    assert "<td>Pekerjaan</td><td>:</td><td>Wiraswasta</td>" in text and "<td>88</td>" not in text
    assert "<td>Agama</td><td>:</td><td>Islam</td>" in text
    assert "<td>Alamat</td><td>:</td><td>Jl. Mawar, RT 002, Dusun Krajan</td>" in text and "RW -" not in text
    with app.app_context():
        with database.atomic():
            _clean_imported_residents(database.obj)
        cleaned = Resident.get_by_id(resident.id)
        assert (cleaned.occupation, cleaned.religion, cleaned.marital_status) == ("Wiraswasta", "Islam", "Kawin")
        assert (cleaned.rt, cleaned.rw, cleaned.dusun) == ("002", "", "Krajan")
