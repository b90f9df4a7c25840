"""Receipts rendered to ESC/POS and decoded back, as a printer would read them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import zxingcpp

import drivers.receipt as rc
from drivers.profiles import get_profile
from drivers.receipt import Receipt, Text, render_escpos
from drivers.virtual import decode_escpos

WIB = timezone(timedelta(hours=7))
WITA = timezone(timedelta(hours=8))
TRACK = "http://127.0.0.1:8080/t/q7Xk2mP9vR4sT8wYzB3nC6dF1gH5jL0a"
PROFILES = ["58mm", "80mm", "POS-5890", "TM-T20II", "TM-T88V"]


def ticket(**overrides):
    values = {
        "village_name": "Mojowarno",
        "service_code": "A",
        "service_name": "Administrasi Kependudukan",
        "number": "A-012",
        "issued_at": datetime(2026, 3, 5, 8, 15, tzinfo=WIB),
        "ahead": 3,
        "estimated_wait_minutes": 15,
        "track_url": TRACK,
    }
    values.update(overrides)
    return rc.queue_ticket_receipt(**values)


def decode_one(data: bytes):
    receipts = decode_escpos(data)
    assert len(receipts) == 1
    return receipts[0]


def qr_from_images(receipt) -> list[str]:
    found = []
    for image in receipt.images:
        found += [r.text for r in zxingcpp.read_barcodes(image.convert("L"))]
    return found


@pytest.mark.parametrize("name", PROFILES)
def test_queue_ticket_decodes_with_big_number_and_tracking_qr(name):
    profile = get_profile(name)
    data = render_escpos(ticket(), profile)
    assert data.startswith(b"\x1b@")
    receipt = decode_one(data)
    big = receipt.find_line("A-012")
    assert big is not None and big.width_mult >= 4 and big.height_mult >= 4 and big.align == "center"
    assert "DESA MOJOWARNO" in receipt.text
    assert "A - Administrasi Kependudukan" in receipt.text
    assert "Kamis, 5 Maret 2026\nPukul 08:15 WIB" in receipt.text
    assert "3 orang" in receipt.text and "15 menit" in receipt.text
    assert all(len(line.text) * line.width_mult <= profile.columns for line in receipt.lines)
    if profile.native_qr:
        assert receipt.qr_payloads == [TRACK]
    else:
        assert receipt.qr_payloads == []
        assert qr_from_images(receipt) == [TRACK]
    assert receipt.cut == profile.cutter
    if not profile.cutter:
        assert data.endswith(b"\x1bd\x04")  # fed past the tear bar
    else:
        assert data.endswith(b"\x1dVB`")


@pytest.mark.parametrize("name", ["80mm", "TM-T20II", "TM-T88V"])
def test_native_queue_ticket_is_at_most_1_kib(name):
    data = render_escpos(
        ticket(priority=True, service_name="Surat Keterangan dan Pengantar"), get_profile(name)
    )
    assert len(data) <= 1024
    # at 9600 baud (10 bits a byte) that is about a second on the wire
    assert len(data) * 10 / 9600 < 1.1


def test_priority_ticket_says_so_and_the_wait_reads_naturally():
    receipt = decode_one(
        render_escpos(ticket(priority=True, ahead=0, estimated_wait_minutes=0), get_profile("80mm"))
    )
    assert receipt.find_line("PRIORITAS").bold
    assert "tidak ada" in receipt.text and "segera" in receipt.text


def test_ticket_carries_no_personal_data_and_wita_time():
    receipt = decode_one(
        render_escpos(ticket(issued_at=datetime(2026, 3, 6, 9, 5, tzinfo=WITA)), get_profile("58mm"))
    )
    assert "Jumat, 6 Maret 2026\nPukul 09:05 WITA" in receipt.text
    assert "tidak memuat data pribadi" in " ".join(receipt.text.split())


def test_letter_receipt():
    receipt_data = rc.letter_receipt(
        village_name="Desa Mojowarno",
        reference="SRT-2026-0042",
        letter_type_name="Surat Keterangan Domisili",
        status_label="Sedang diperiksa",
        requirements=["Surat Pengantar RT/RW", "Fotokopi KK"],
        track_url="http://127.0.0.1:8080/s/abc",
        created_at=datetime(2026, 3, 5, 8, 15, tzinfo=WIB),
        name_masked="B**i S*****o",
        next_step="Menunggu berkas: bawa fotokopi KK ke loket.",
    )
    receipt = decode_one(render_escpos(receipt_data, get_profile("80mm")))
    text = receipt.text
    assert "Menunggu berkas: bawa fotokopi KK ke loket." in " ".join(text.split())
    assert "DESA MOJOWARNO" in text and "DESA DESA" not in text
    assert receipt.find_line("SRT-2026-0042").width_mult == 2
    for expected in (
        "Surat Keterangan Domisili",
        "Sedang diperiksa",
        "- Surat Pengantar RT/RW",
        "- Fotokopi KK",
        "B**i S*****o",
        "05/03/2026 08:15 WIB",
    ):
        assert expected in text
    assert receipt.qr_payloads == ["http://127.0.0.1:8080/s/abc"]


def test_pin_slip_shows_pin_large_and_identity_masked():
    slip = rc.pin_slip(
        village_name="Mojowarno",
        name_masked="S**i A****h",
        nik_masked="3317**********01",
        pin="482915",
        issued_at=datetime(2026, 3, 5, 8, 15, tzinfo=WIB),
    )
    receipt = decode_one(render_escpos(slip, get_profile("58mm")))
    assert receipt.find_line("482915").height_mult == 3
    assert "3317**********01" in receipt.text and "S**i A****h" in receipt.text


@pytest.mark.parametrize("name", ["58mm", "TM-T20II", "POS-5890"])
def test_test_page_shows_the_profile_and_a_barcode_and_qr(name):
    profile = get_profile(name)
    receipt = decode_one(render_escpos(rc.test_page(profile_name=name, width_mm=profile.width_mm), profile))
    assert name in receipt.text and f"{profile.columns}" in receipt.text
    assert profile.code_page in receipt.text
    if profile.barcode:
        assert receipt.barcodes == ["ANJUNGAN-DESA"]
    else:
        assert "[ANJUNGAN-DESA]" in receipt.text
    qrs = receipt.qr_payloads or qr_from_images(receipt)
    assert qrs == [f"https://anjungan-desa.id/uji?p={name}"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("80mm", 'André Müller - "café" Ø'),  # CP858
        ("58mm", 'André Müller - "café" ?'),
    ],
)  # CP437 has no Ø
def test_accented_names_survive_the_code_page_and_odd_characters_degrade(name, expected):
    receipt = Receipt("t", [Text("André Müller — “café” Ø"), Text("Nguyễn ☃ 中")])
    decoded = decode_one(render_escpos(receipt, get_profile(name)))
    assert decoded.lines[0].text == expected
    assert decoded.lines[1].text == "Nguyen ? ?"


def test_control_characters_in_data_cannot_inject_printer_commands():
    evil = Receipt("t", [Text("Budi\x1dV\x00\x1b@\x0aSantoso")])
    data = render_escpos(evil, get_profile("80mm"))
    receipt = decode_one(data)
    assert receipt.lines[0].text == "BudiV@Santoso"
    assert data.count(b"\x1b@") == 1


def test_long_words_wrap_inside_the_paper():
    profile = get_profile("58mm")
    receipt = decode_one(render_escpos(Receipt("t", [Text("x" * 100, width=2)]), profile))
    assert [len(line.text) for line in receipt.lines if line.text] == [16] * 6 + [4]
