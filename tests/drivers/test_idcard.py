"""NIK rules and scan classification (DOMAIN.md), including property tests."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anjungan_core.nik import mask_name, mask_nik
from drivers.idcard import (
    PROVINCE_CODES,
    InvalidNik,
    classify_scan,
    is_valid_nik,
    make_nik,
    parse_nik,
)

TODAY = date(2026, 6, 1)
# A woman born on 5 March 1990 in Kec. Kaliori, Kab. Rembang (DOMAIN.md's example date part 450390).
SITI = "3317094503900001"


def test_woman_born_5_march_1990_decodes():
    info = parse_nik(SITI, today=TODAY)
    assert info.birth_date == date(1990, 3, 5)
    assert info.sex == "P"
    assert (info.province, info.regency, info.district) == ("33", "3317", "331709")


def test_man_and_century_rule():
    nik = make_nik("331709", date(2001, 12, 31), "L", 12)
    assert nik == "3317093112010012"
    assert parse_nik(nik, today=TODAY).birth_date == date(2001, 12, 31)
    # "050630": 5 June 2030 would be in the future, so the person was born in 1930.
    assert parse_nik("3317090506300001", today=TODAY).birth_date == date(1930, 6, 5)
    # Born today is allowed and stays in this century.
    assert parse_nik("3317090106260001", today=TODAY).birth_date == date(2026, 6, 1)


@pytest.mark.parametrize(
    ("nik", "fragment"),
    [
        ("331709450390000", "16 angka"),
        ("33170945039000011", "16 angka"),
        ("33170945039O0001", "16 angka"),
        ("9917094503900001", "provinsi"),
        ("2017094503900001", "provinsi"),
        ("3317093203900001", "tanggal"),  # day 32
        ("3317094003900001", "tanggal"),  # day 40 (no such day for a man nor a woman)
        ("3317097203900001", "tanggal"),  # day 72 = 32 for a woman
        ("3317090513900001", "tanggal"),  # month 13
        ("3317093002900001", "tanggal"),  # 30 February
        ("3317092902010001", "tanggal"),  # 29 February 2001 / 1901: no leap year
        ("3317094503900000", "0000"),
        ("0317094503900001", "sementara"),
    ],
)
def test_invalid_niks_say_why(nik, fragment):
    with pytest.raises(InvalidNik) as caught:
        parse_nik(nik, today=TODAY)
    assert fragment in caught.value.reason
    assert isinstance(caught.value, ValueError)
    assert not is_valid_nik(nik)


def test_temporary_nik_only_when_allowed():
    assert parse_nik("0317094503900001", today=TODAY, allow_temporary=True).sex == "P"
    result = classify_scan("0317094503900001", today=TODAY)
    assert (result.kind, result.valid) == ("nik", False)


def test_leap_day_2000_is_valid():
    assert parse_nik("3317096902000001", today=TODAY).birth_date == date(2000, 2, 29)


def test_masks():
    assert mask_nik(SITI) == "3317**********01"
    assert mask_name("Budi Santoso") == "B**i S*****o"
    assert mask_name("  Siti   Nur Aminah ") == "S**i N*r A****h"
    assert mask_name("Al") == "A*"
    assert mask_name("") == ""
    assert mask_nik("123") == "***"


def test_make_nik_rejects_bad_parts():
    with pytest.raises(ValueError):
        make_nik("33170", date(1990, 1, 1), "L", 1)
    with pytest.raises(ValueError):
        make_nik("331709", date(1990, 1, 1), "X", 1)
    with pytest.raises(ValueError):
        make_nik("331709", date(1990, 1, 1), "L", 0)


# --- classification --------------------------------------------------------------------------------------


def test_classify_nik_json_is_the_contract():
    result = classify_scan(f"{SITI}\r\n", today=TODAY)
    assert result.value == SITI
    assert result.to_json() == {
        "raw": f"{SITI}\r\n",
        "kind": "nik",
        "valid": True,
        "reason": None,
        "nik": {
            "birth_date": "1990-03-05",
            "sex": "P",
            "province": "33",
            "regency": "3317",
            "district": "331709",
        },
    }
    json.dumps(result.to_json())


def test_sixteen_digits_are_a_nik_even_when_invalid():
    result = classify_scan("9999999999999999", today=TODAY)
    assert (result.kind, result.valid, result.nik) == ("nik", False, None)
    assert result.reason


@pytest.mark.parametrize("uid", ["0012345678", "12345678", "3456789012", "04A1B2C3", "04a1b2c3d4e5f6"])
def test_rfid_uids(uid):
    result = classify_scan(uid, today=TODAY)
    assert (result.kind, result.valid, result.value) == ("rfid", True, uid.upper())


@pytest.mark.parametrize(
    "payload",
    [
        f"https://ikd.example.go.id/v?nik={SITI}&nama=Siti",
        f"nik={SITI}",
        json.dumps({"nik": SITI, "nama": "Siti"}),
        json.dumps({"data": {"nik": SITI}}),
        json.dumps({"nik": int(SITI)}),
    ],
)
def test_qr_payload_with_nik(payload):
    result = classify_scan(payload, today=TODAY)
    assert (result.kind, result.valid, result.value) == ("nik", True, SITI)
    assert result.nik is not None and result.nik.sex == "P"


def test_qr_payload_with_kk_number():
    result = classify_scan(json.dumps({"no_kk": "3317090101200003"}), today=TODAY)
    assert (result.kind, result.valid, result.value) == ("kk", True, "3317090101200003")
    result = classify_scan("https://x.example/k?kk=12", today=TODAY)
    assert (result.kind, result.valid) == ("kk", False)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "kosong"),
        ("   ", "kosong"),
        ("\x1b[A3317094503900001", "kendali"),
        ("33170945\x0003900001", "kendali"),
        ("3317\u200b094503900001", "kendali"),
        ("x" * 5000, "panjang"),
        ("\udcff\udcfe", "rusak"),
        ("hello world", "tidak dikenali"),
        ("12345678901234", "angka"),
        ("{not json", "tidak dikenali"),
        ('{"nama": "Budi"}', "tidak memuat"),
        ("[1, 2, 3]", "tidak dikenali"),
        ("\u0663\u0663\u0661\u0667" * 4, "tidak dikenali"),  # Arabic-Indic digits are not a NIK
    ],
)
def test_garbage_is_unknown_with_a_reason(raw, fragment):
    result = classify_scan(raw, today=TODAY)
    assert (result.kind, result.valid, result.nik) == ("unknown", False, None)
    assert fragment in result.reason
    json.dumps(result.to_json())


def test_bytes_and_non_strings_do_not_raise():
    assert classify_scan(b"\xff\xfe1234", today=TODAY).kind == "unknown"
    assert classify_scan(None, today=TODAY).kind == "unknown"  # type: ignore[arg-type]


# --- properties ------------------------------------------------------------------------------------------

province_regency_district = st.tuples(
    st.sampled_from(sorted(PROVINCE_CODES)), st.integers(0, 99), st.integers(0, 99)
).map(lambda t: f"{t[0]}{t[1]:02d}{t[2]:02d}")
# A NIK holds two digits of the year, so only the last 100 years can be written down unambiguously.
birth_dates = st.dates(min_value=TODAY - timedelta(days=365 * 99), max_value=TODAY)


@given(
    prd=province_regency_district,
    born=birth_dates,
    sex=st.sampled_from(["L", "P"]),
    serial=st.integers(1, 9999),
)
@settings(max_examples=300, deadline=None)
def test_every_valid_generated_nik_parses_back_to_its_parts(prd, born, sex, serial):
    nik = make_nik(prd, born, sex, serial)
    info = parse_nik(nik, today=TODAY)
    assert (info.birth_date, info.sex) == (born, sex)
    assert (info.province, info.regency, info.district) == (prd[:2], prd[:4], prd)
    assert int(nik[12:]) == serial
    scan = classify_scan(nik, today=TODAY)
    assert scan.valid and scan.nik == info
    assert mask_nik(nik) == nik[:4] + "*" * 10 + nik[-2:]


@given(
    st.text(max_size=300)
    | st.from_regex(r"[0-9]{10,20}", fullmatch=True)
    | st.binary(max_size=100).map(lambda b: b.decode("latin-1"))
)
@settings(max_examples=500, deadline=None)
def test_no_string_makes_the_classifier_raise(raw):
    result = classify_scan(raw, today=TODAY)
    assert result.kind in ("nik", "kk", "rfid", "unknown")
    assert result.valid == (result.reason is None)
    json.dumps(result.to_json())


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_parse_nik_raises_only_its_own_error(raw):
    try:
        parse_nik(raw, today=TODAY)
    except InvalidNik as exc:
        assert exc.reason
