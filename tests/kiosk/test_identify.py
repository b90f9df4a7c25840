"""Identifying the resident: by scanning a card anywhere, or by NIK and PIN; and every way it can fail."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.edge


def unused_nik(edge) -> str:
    """A well-formed NIK (Rembang, a woman born 5 March 1990) that is no demo resident's."""
    known = {r["nik"] for r in edge.residents()}
    for serial in range(9001, 9999):
        nik = f"331709450390{serial:04d}"
        if nik not in known:
            return nik
    raise AssertionError("no free NIK")


def test_scanning_an_rfid_card_on_home_greets_by_masked_name(kiosk, edge):
    resident = edge.residents(with_rfid=True)[0]
    kiosk.scan(resident["rfid"])
    kiosk.wait_until(lambda: kiosk.app.resident_name, what="greeting")
    name = kiosk.app.resident_name
    assert "*" in name and name != resident["name"]
    assert f"Halo, {name}" in kiosk.texts()
    assert resident["nik"] not in kiosk.texts()
    assert kiosk.app.controller.resident.full
    kiosk.tap_text("Ajukan Surat")
    kiosk.wait_until(lambda: kiosk.current == "letters", what="letters without asking again")


def test_nik_and_pin_on_the_keypad_leads_to_the_letters(kiosk, edge, caplog):
    caplog.set_level("DEBUG")
    resident = edge.residents(with_pin=True)[0]
    kiosk.tap_text("Ajukan Surat")
    assert kiosk.current == "identify"
    kiosk.type_digits(resident["nik"])
    assert kiosk.screen.mode == "pin"
    kiosk.type_digits(resident["pin"][:-1], ok=False)
    assert resident["pin"] not in kiosk.texts()  # the PIN shows as dots
    kiosk.type_digits(resident["pin"][-1])
    kiosk.wait_until(lambda: kiosk.current == "letters", what="letters")
    assert kiosk.app.resident_name
    assert resident["nik"] not in caplog.text and resident["pin"] not in caplog.text


def test_scanned_nik_asks_for_the_pin_before_letters(kiosk, edge):
    resident = edge.residents(with_pin=True)[1]
    kiosk.scan(resident["nik"])
    kiosk.wait_until(lambda: kiosk.app.resident_name, what="greeting")
    assert not kiosk.app.controller.resident.full
    kiosk.tap_text("Ajukan Surat")
    assert kiosk.current == "identify" and kiosk.screen.mode == "pin"
    kiosk.type_digits(resident["pin"])
    kiosk.wait_until(lambda: kiosk.current == "letters", what="letters")


def test_wrong_pin_says_so_and_offers_a_way_back(kiosk, edge):
    resident = edge.residents(with_pin=True)[2]
    kiosk.tap_text("Cek Status Surat")
    kiosk.type_digits(resident["nik"])
    kiosk.type_digits("000000" if resident["pin"] != "000000" else "111111")
    kiosk.wait_until(lambda: kiosk.screen.message, what="an error message")
    assert "NIK atau PIN salah" in kiosk.screen.message
    assert kiosk.current == "identify" and kiosk.screen.mode == "pin"
    kiosk.tap_text("Ulangi dari NIK")
    assert kiosk.screen.mode == "nik"
    kiosk.tap_text("Beranda")
    assert kiosk.current == "home"


def test_three_wrong_pins_lock_the_nik_with_a_plain_message(kiosk, edge):
    resident = edge.residents(with_pin=True)[-1]
    wrong = "999999" if resident["pin"] != "999999" else "888888"
    kiosk.tap_text("Cek Status Surat")
    kiosk.type_digits(resident["nik"])
    for _attempt in range(4):
        kiosk.type_digits(wrong)
        kiosk.wait_until(lambda: kiosk.screen.message, what="an error message")
        if "Terlalu banyak PIN salah" in kiosk.screen.message:
            break
        kiosk.screen.message = ""
    assert "Terlalu banyak PIN salah" in kiosk.screen.message


def test_unknown_card_and_garbage_scan_explain_what_to_do(kiosk, edge):
    kiosk.scan(unused_nik(edge))
    kiosk.wait_until(lambda: kiosk.app.notice, what="a notice")
    assert kiosk.app.notice == "Kartu tidak dikenali. Coba pindai lagi atau ketik NIK Anda."
    assert kiosk.app.notice_error and not kiosk.app.resident_name
    kiosk.app.notice = ""
    kiosk.scan("hello")
    kiosk.wait_until(lambda: kiosk.app.notice, what="a notice")
    assert "Coba pindai lagi" in kiosk.app.notice


def test_another_card_replaces_the_resident(kiosk, edge):
    first, second = edge.residents(with_rfid=True)[:2]
    kiosk.scan(first["rfid"])
    kiosk.wait_until(lambda: kiosk.app.resident_name, what="first greeting")
    first_session = kiosk.app.controller.resident.session
    kiosk.scan(second["rfid"])
    kiosk.wait_until(lambda: kiosk.app.controller.resident and
                     kiosk.app.controller.resident.session != first_session, what="second resident")
    from anjungan_core.nik import mask_name

    assert second["name"] != first["name"]
    kiosk.wait_until(lambda: mask_name(second["name"]) in kiosk.app.resident_name, what="second greeting")
    assert mask_name(first["name"]) not in kiosk.app.resident_name


def test_idle_return_forgets_the_resident(kiosk, edge):
    resident = edge.residents(with_rfid=True)[0]
    kiosk.scan(resident["rfid"])
    kiosk.wait_until(lambda: kiosk.app.resident_name, what="greeting")
    kiosk.advance(46)
    assert kiosk.app.root.ids.countdown.opacity == 1
    kiosk.advance(20, until=lambda: kiosk.current == "home" and kiosk.app.controller.resident is None,
                  what="home, the resident forgotten")
    assert not kiosk.app.resident_name
    kiosk.tap_text("Cek Status Surat")
    assert kiosk.current == "identify"


def test_selesai_forgets_the_resident(kiosk, edge):
    resident = edge.residents(with_rfid=True)[1]
    kiosk.scan(resident["rfid"])
    kiosk.wait_until(lambda: kiosk.app.resident_name, what="greeting")
    kiosk.tap_text("Informasi Desa")
    kiosk.tap_text("Selesai")
    assert kiosk.current == "home" and kiosk.app.controller.resident is None
