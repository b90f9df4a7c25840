"""A letter request from the touchscreen, end to end, and its status afterwards."""

from __future__ import annotations

import pytest

from kiosk.messages import letter_status_msgid

pytestmark = pytest.mark.edge


def type_text(kiosk, text: str) -> None:
    for char in text:
        kiosk.tap_text("Spasi" if char == " " else char)


def test_letter_request_end_to_end_then_status(kiosk, edge):
    """GIVEN a resident with an e-KTP WHEN they ask for a Surat Keterangan Domisili on the touchscreen
    THEN the request reaches the edge server, a receipt with its reference prints, and status shows it."""
    resident = edge.residents(with_rfid=True)[2]
    kiosk.scan(resident["rfid"])
    kiosk.wait_until(lambda: kiosk.app.resident_name, what="greeting")
    kiosk.taps = 0
    kiosk.tap_text("Ajukan Surat")
    kiosk.wait_until(lambda: kiosk.screen.letter_types, what="letter types")
    kiosk.tap_text("Surat Keterangan Domisili")
    assert kiosk.current == "letter_form"
    assert "Keperluan" in kiosk.screen.prompt or "keperluan" in kiosk.screen.prompt.lower()
    kiosk.tap_text("Ketik sendiri")  # past the one-tap purposes (tests/kiosk/test_first_visit.py)
    kiosk.tap_text("Lanjut")
    assert "wajib diisi" in kiosk.screen.message
    type_text(kiosk, "KERJA")
    assert kiosk.screen.ids.keyboard.value == "KERJA"
    kiosk.tap_text("Lanjut")
    assert kiosk.current == "letter_review"
    assert "KERJA" in kiosk.screen.summary and "Bawa ke balai desa" in kiosk.screen.summary
    before = len(kiosk.receipts())
    kiosk.tap_text("Kirim Permohonan")
    kiosk.wait_until(lambda: kiosk.current == "letter_done", what="request sent")
    assert kiosk.taps == 2 + 1 + 1 + 5 + 1 + 1  # tile, letter, own words, "Lanjut" on empty, K-E-R-J-A, Lanjut, Kirim
    reference = kiosk.screen.reference
    assert reference and kiosk.screen.printed
    assert len(kiosk.receipts()) == before + 1
    with open(kiosk.receipts()[-1], encoding="utf-8") as fh:
        receipt = fh.read()
    assert reference in receipt
    assert resident["nik"] not in receipt

    kiosk.tap_text("Beranda")
    kiosk.tap_text("Cek Status Surat")
    kiosk.wait_until(lambda: kiosk.current == "status" and kiosk.screen.letters, what="status list")
    letter = next(item for item in kiosk.screen.letters if item["reference"] == reference)
    assert letter["type"] == "S-41"
    assert letter_status_msgid(letter["status"]) in kiosk.texts()
    assert reference in kiosk.texts()


def test_a_letter_without_fields_goes_straight_to_review(kiosk, edge):
    resident = edge.residents(with_rfid=True)[0]
    kiosk.scan(resident["rfid"])
    kiosk.wait_until(lambda: kiosk.app.resident_name, what="greeting")
    kiosk.tap_text("Ajukan Surat")
    kiosk.wait_until(lambda: kiosk.screen.letter_types, what="letter types")
    kiosk.tap_text("KTP dalam Proses")
    assert kiosk.current == "letter_review"
    kiosk.tap_text("Kembali")
    assert kiosk.current == "letters"
