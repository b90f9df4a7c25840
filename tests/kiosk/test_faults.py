"""The kiosk under faults: no paper, printer off, a lost answer, a slow printer, the edge server gone."""

from __future__ import annotations

import pytest

from kiosk.api_client import EdgeUnavailable
from tests.kiosk.harness import staff_devices

pytestmark = pytest.mark.edge


def take_ticket(kiosk, service: str = "Administrasi Kependudukan") -> None:
    kiosk.tap_text("Ambil Nomor Antrian")
    kiosk.wait_until(lambda: kiosk.screen.services, what="services")
    kiosk.tap_text(service)
    kiosk.wait_until(lambda: kiosk.current == "ticket", what="ticket screen")


def test_out_of_paper_still_gives_the_number_and_tells_staff(kiosk, edge):
    """GIVEN a printer without paper WHEN a ticket is taken THEN its number shows large with "Catat nomor Anda",
    staff see the paper fault, and home says receipts are unavailable."""
    kiosk.set_printer("?paper=out")
    before = len(kiosk.receipts())
    take_ticket(kiosk)
    assert kiosk.screen.number.startswith("A-")
    assert "Catat nomor Anda" in kiosk.texts()
    assert "Kertas struk habis" in kiosk.texts()
    assert len(kiosk.receipts()) == before
    kiosk.wait_until(lambda: any(d.get("printer", {}).get("paper") == "out" for d in staff_devices(edge)),
                     what="staff seeing the paper fault")
    kiosk.tap_text("Beranda")
    assert kiosk.current == "home"
    assert "Struk sedang tidak bisa dicetak" in kiosk.texts()


def test_printer_off_still_gives_the_number(kiosk):
    kiosk.set_printer("?offline=1")
    take_ticket(kiosk, "Surat Keterangan")
    assert kiosk.screen.number.startswith("B-")
    assert "Printer struk tidak menyala" in kiosk.texts()
    assert "Catat nomor Anda" in kiosk.texts()


def test_a_lost_answer_is_retried_without_taking_a_second_number(kiosk):
    """GIVEN the edge server takes the ticket but its answer is lost WHEN the kiosk retries with the same
    Idempotency-Key THEN it gets the same ticket, and the next ticket follows with no number skipped."""
    client = kiosk.app.controller.client
    real = client.take_ticket
    keys: list[str] = []

    def answer_lost_once(service, priority, idempotency_key, session=None):
        keys.append(idempotency_key)
        ticket = real(service, priority, idempotency_key, session)
        if len(keys) == 1:
            raise EdgeUnavailable("read timed out")
        return ticket

    client.take_ticket = answer_lost_once
    try:
        take_ticket(kiosk, "Pengaduan dan Informasi")
    finally:
        client.take_ticket = real
    assert len(keys) == 2 and keys[0] == keys[1]
    shown = kiosk.screen.number
    following = real("C", False, "another-visit-key")
    assert int(following["number"].split("-")[1]) == int(shown.split("-")[1]) + 1


def test_a_slow_printer_shows_a_spinner_with_words(kiosk):
    kiosk.set_printer("?delay=1.5")
    kiosk.tap_text("Ambil Nomor Antrian")
    kiosk.wait_until(lambda: kiosk.screen.services, what="services")
    kiosk.tap_text("Administrasi Kependudukan")
    busy = kiosk.app.root.ids.busy
    kiosk.wait_until(lambda: busy.opacity == 1, timeout=1.4, what="spinner")
    assert busy.text == "Sedang mencetak..."
    kiosk.wait_until(lambda: kiosk.current == "ticket", what="ticket screen")
    assert busy.opacity == 0


def test_edge_server_stopped_then_started_again(kiosk, edge):
    """GIVEN the edge server stops WHEN a resident taps THEN "Layanan sementara tidak tersedia" shows,
    and the kiosk goes home by itself once the server is back."""
    edge.stop()
    try:
        kiosk.tap_text("Ambil Nomor Antrian")
        kiosk.wait_until(lambda: kiosk.current == "offline", what="offline screen")
        assert "Layanan sementara tidak tersedia" in kiosk.texts()
    finally:
        edge.start()
    kiosk.wait_until(lambda: kiosk.current == "home", timeout=20, what="home after the edge server is back")
    take_ticket(kiosk)
    assert kiosk.screen.printed


def test_heartbeat_tells_staff_the_version_printer_and_scanner(kiosk, edge):
    from anjungan_core.version import running_version

    kiosk.app.controller.heartbeat()
    device = kiosk.wait_until(lambda: next((d for d in staff_devices(edge) if d.get("version") == running_version()
                                            and d.get("printer", {}).get("paper") == "ok"), None),
                              what="the kiosk among the devices")
    assert device["printer"]["online"] is True
    assert device["scanner"]["connected"] is True
