"""Taking a queue ticket: two taps from home to a printed number."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.edge


def test_ticket_in_two_taps_prints_the_number_the_api_gave(kiosk):
    """GIVEN the home screen WHEN a resident taps Ambil Nomor Antrian then a service
    THEN the number is shown very large, a receipt with that number prints, and it took two taps."""
    before = len(kiosk.receipts())
    kiosk.tap_text("Ambil Nomor Antrian")
    kiosk.wait_until(lambda: kiosk.screen.services, what="services")
    kiosk.tap_text("Administrasi Kependudukan")
    kiosk.wait_until(lambda: kiosk.current == "ticket", what="ticket screen")
    assert kiosk.taps == 2
    number = kiosk.screen.number
    ticket = kiosk.app.controller.client.ticket(kiosk.screen.result.ticket["id"])
    assert number == ticket["number"] and number.startswith("A-")
    assert "Silakan tunggu panggilan" in kiosk.texts()
    receipts = kiosk.receipts()
    assert len(receipts) == before + 1
    with open(receipts[-1], encoding="utf-8") as fh:
        assert number in fh.read()


def test_a_closed_service_is_grey_says_tutup_and_cannot_be_tapped(kiosk):
    kiosk.tap_text("Ambil Nomor Antrian")
    kiosk.wait_until(lambda: kiosk.screen.services, what="services")
    kiosk.screen.services = [
        {"code": "A", "name": "Administrasi Kependudukan", "open": True, "waiting": 4, "estimated_wait_minutes": 12},
        {"code": "B", "name": "Surat Keterangan", "open": False, "waiting": 0, "estimated_wait_minutes": 0},
    ]
    kiosk.pump(0.1)
    assert "4 orang menunggu, sekitar 12 menit" in kiosk.texts()
    assert "Tutup hari ini" in kiosk.texts()
    assert "Surat Keterangan" not in [b.title for b in kiosk.buttons()]  # disabled: not tappable
