"""A first-time resident asking for a letter: what the letters are for, one-tap purposes, what happens next,
and a PIN prompt that instructs instead of scolding."""

from __future__ import annotations

import pytest

from kiosk.screens.letters import grid_shape
from kiosk.widgets import BLUE, INK, RED

pytestmark = pytest.mark.edge


def scan_in(kiosk, edge, index: int = 1) -> dict:
    resident = edge.residents(with_rfid=True)[index]
    kiosk.scan(resident["rfid"])
    kiosk.wait_until(lambda: kiosk.app.resident_name, what="greeting")
    return resident


def test_a_letter_after_a_scan_takes_four_taps_with_a_quick_choice(kiosk, edge):
    """GIVEN a resident who scanned their e-KTP WHEN they ask for a Surat Keterangan Domisili and pick a common
    purpose THEN it is sent in 4 taps (goal: at most 8), and the receipt says what happens next."""
    scan_in(kiosk, edge)
    kiosk.taps = 0
    kiosk.tap_text("Ajukan Surat")
    kiosk.wait_until(lambda: kiosk.screen.letter_types, what="letter types")
    kiosk.tap_text("Surat Keterangan Domisili")
    assert kiosk.current == "letter_form"
    assert not kiosk.screen.typing  # the choices come first, the keyboard only on request
    assert "Melamar pekerjaan" in [b.title for b in kiosk.buttons()]
    assert "Q" not in [b.title for b in kiosk.buttons()]
    kiosk.tap_text("Melamar pekerjaan")
    assert kiosk.current == "letter_review" and "Melamar pekerjaan" in kiosk.screen.summary
    before = len(kiosk.receipts())
    kiosk.tap_text("Kirim Permohonan")
    kiosk.wait_until(lambda: kiosk.current == "letter_done", what="request sent")
    assert kiosk.taps == 4 <= 8
    expected = "Menunggu berkas: bawa Surat Pengantar RT/RW, fotokopi KK, fotokopi KTP ke loket."
    assert expected in kiosk.texts()
    assert len(kiosk.receipts()) == before + 1
    with open(kiosk.receipts()[-1], encoding="utf-8") as fh:
        receipt = " ".join(fh.read().split())
    assert expected in receipt

    kiosk.tap_text("Beranda")
    kiosk.tap_text("Cek Status Surat")
    kiosk.wait_until(lambda: kiosk.current == "status" and kiosk.screen.letters, what="status list")
    assert expected in kiosk.texts()
    assert kiosk.screen.letters[0]["to_bring"] == ["Surat Pengantar RT/RW", "Fotokopi KK", "Fotokopi KTP"]


def test_after_a_nik_barcode_scan_the_pin_adds_its_digits_and_masuk(kiosk, edge):
    """A NIK barcode needs the PIN for a letter: the same letter is 4 taps plus the PIN's digits and "Masuk"."""
    person = edge.residents(with_pin=True)[4]
    kiosk.scan(person["nik"])
    kiosk.wait_until(lambda: kiosk.app.controller.resident, what="basic session")
    kiosk.taps = 0
    kiosk.tap_text("Ajukan Surat")
    kiosk.wait_until(lambda: kiosk.current == "identify" and kiosk.screen.mode == "pin", what="PIN prompt")
    kiosk.type_digits(person["pin"])
    kiosk.wait_until(lambda: kiosk.current == "letters" and kiosk.screen.letter_types, what="letter types")
    kiosk.tap_text("Surat Keterangan Domisili")
    kiosk.tap_text("Sekolah / kuliah")
    kiosk.tap_text("Kirim Permohonan")
    kiosk.wait_until(lambda: kiosk.current == "letter_done", what="request sent")
    assert kiosk.taps == 4 + len(person["pin"]) + 1 == 11


def test_typing_your_own_purpose_is_one_tap_away(kiosk, edge):
    scan_in(kiosk, edge)
    kiosk.tap_text("Ajukan Surat")
    kiosk.wait_until(lambda: kiosk.screen.letter_types, what="letter types")
    kiosk.tap_text("Surat Keterangan Kurang Mampu")
    kiosk.tap_text("Ketik sendiri")
    assert kiosk.screen.typing
    for char in "RT":
        kiosk.tap_text(char)
    kiosk.tap_text("Lanjut")
    assert kiosk.current == "letter_review" and "Keperluan: RT" in kiosk.screen.summary


def test_every_letter_type_shows_whole_with_its_description_at_800x480(kiosk, edge):
    """OpenSID's 15 self-service types: every row on screen is whole (never a half-hidden row), the rest a
    whole-row scroll away, and each tile has its one-line description."""
    scan_in(kiosk, edge)
    kiosk.tap_text("Ajukan Surat")
    kiosk.wait_until(lambda: kiosk.screen.letter_types, what="letter types")
    kiosk.pump(0.2)
    scroll = kiosk.screen.ids.scroll
    tiles = list(kiosk.screen.ids.types.children)
    assert len(tiles) == len(kiosk.screen.letter_types) == 15
    top = scroll.to_window(scroll.x, scroll.top)[1]
    bottom = scroll.to_window(scroll.x, scroll.y)[1]
    visible = 0
    for tile in tiles:
        assert tile.subtext, tile.title  # each type has its one-line description
        y0 = tile.to_window(tile.x, tile.y)[1]
        inside, outside = bottom - 1 <= y0 and y0 + tile.height <= top + 1, y0 + tile.height <= bottom + 1
        assert inside or outside, f"{tile.title} is cut in half"
        visible += inside
        assert tile.height >= 60 and tile.texture_size[1] <= tile.height + 2, tile.title
    assert visible >= 12 and visible % kiosk.screen.ids.types.cols == 0
    assert "Bukti bahwa Anda tinggal di alamat ini." in kiosk.texts()


def test_grid_shape_keeps_rows_whole():
    assert grid_shape(12, 780, 275, 1.0, False, 8) == (4, (275 - 16) / 3)
    assert grid_shape(4, 780, 275, 1.0, False, 8)[0] == 2
    cols, row = grid_shape(40, 780, 275, 1.0, False, 8)  # too many to fit: whole rows, scrolling
    assert cols == 4 and (275 + 8) % (row + 8) < 1


def test_the_pin_prompt_after_a_scan_is_an_instruction_with_the_no_pin_hint(kiosk, edge):
    """A NIK barcode gives a basic session; the letter asks for the PIN in ink (not red), with the hint for a
    resident who has none; a refused PIN after a good scan does not blame the NIK."""
    person = next(r for r in edge.residents() if not r.get("pin"))
    kiosk.scan(person["nik"])
    kiosk.wait_until(lambda: kiosk.app.controller.resident, what="basic session")
    kiosk.tap_text("Ajukan Surat")
    kiosk.wait_until(lambda: kiosk.current == "identify" and kiosk.screen.mode == "pin", what="PIN prompt")
    ids = kiosk.screen.ids
    assert ids.instruction.text == "Kartu Anda terbaca. Untuk surat, ketik PIN Anda."
    assert tuple(ids.instruction.color) == pytest.approx(INK)
    assert ids.message.text == ""
    assert ids.no_pin.text == "Belum punya PIN? Minta di loket." and ids.no_pin.opacity == 1
    assert tuple(ids.no_pin.color) == pytest.approx(BLUE)
    kiosk.type_digits("1234")
    kiosk.wait_until(lambda: ids.message.text, what="refused PIN")
    assert ids.message.text == "PIN tidak cocok. Belum punya PIN? Minta di loket."
    assert "NIK atau PIN salah" not in kiosk.texts()
    assert tuple(ids.message.color) == pytest.approx(RED)


def test_the_status_badge_is_text_not_a_button(kiosk, edge):
    from kiosk.screens.status import LetterCard

    scan_in(kiosk, edge, 3)
    kiosk.tap_text("Ajukan Surat")
    kiosk.wait_until(lambda: kiosk.screen.letter_types, what="letter types")
    kiosk.tap_text("Surat Keterangan Penduduk")
    kiosk.tap_text("Bantuan sosial")
    kiosk.tap_text("Kirim Permohonan")
    kiosk.wait_until(lambda: kiosk.current == "letter_done", what="request sent")
    kiosk.tap_text("Beranda")
    kiosk.tap_text("Cek Status Surat")
    kiosk.wait_until(lambda: kiosk.current == "status" and kiosk.screen.loaded, what="status")
    cards = [w for w in kiosk.screen.ids.letters.children if isinstance(w, LetterCard)]
    assert cards, "the letter just asked for"
    badge = cards[0].ids.status
    assert badge.halign == "left" and not badge.bold
    # no filled block behind the words: the only shape is a thin bar at its left edge
    from kivy.graphics import Rectangle

    shapes = [i for i in badge.canvas.before.children if isinstance(i, Rectangle)]
    assert shapes and all(r.size[0] <= 6 * kiosk.app.s for r in shapes)
    assert tuple(badge.color) != (1, 1, 1, 1)
