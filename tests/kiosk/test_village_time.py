"""Village local time on the kiosk whatever the machine's zone: the header and the receipts say WIB (or WITA)."""

from __future__ import annotations

import glob
import os
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.config import ConfigError, KioskConfig
from kiosk.controller import Controller
from tests.kiosk.harness import EdgeProcess

pytestmark = pytest.mark.edge


@pytest.fixture
def utc_machine(monkeypatch):
    """This process runs with TZ=UTC, like a kiosk Pi nobody set the zone on."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _hhmm(zone: str) -> set[str]:
    """The village's hour.minute now and a minute ago (a test may straddle a minute)."""
    now = datetime.now(UTC).astimezone(ZoneInfo(zone))
    return {f"{m:%H}.{m:%M}" for m in (now, now - timedelta(minutes=1))}


def test_the_header_and_the_ticket_receipt_show_wib_on_a_utc_machine(kiosk, utc_machine):
    """GIVEN a kiosk process in UTC and a village in Asia/Jakarta WHEN the header ticks and a ticket prints
    THEN both show Jakarta's time with "WIB", not the machine's."""
    assert time.strftime("%Z") == "UTC"
    kiosk.app._update_clock()
    header = kiosk.app.clock_text
    assert header.endswith(" WIB")
    assert any(hhmm in header for hhmm in _hhmm("Asia/Jakarta")), header
    before = len(kiosk.receipts())
    kiosk.tap_text("Ambil Nomor Antrian")
    kiosk.wait_until(lambda: kiosk.screen.services, what="services")
    kiosk.tap_text("Administrasi Kependudukan")
    kiosk.wait_until(lambda: kiosk.current == "ticket", what="ticket screen")
    receipts = kiosk.receipts()
    assert len(receipts) == before + 1
    with open(receipts[-1], encoding="utf-8") as fh:
        text = fh.read()
    assert any(f"Pukul {hhmm.replace('.', ':')} WIB" in text for hhmm in _hhmm("Asia/Jakarta")), text
    assert "UTC" not in text


def test_a_wita_village_prints_wita_from_the_zone_the_edge_tells(tmp_path, monkeypatch, utc_machine):
    """GIVEN an edge server configured for Asia/Makassar and a kiosk whose config says nothing of zones
    WHEN the kiosk hears the edge's health answer and prints a ticket THEN the header and receipt say WITA."""
    monkeypatch.setenv("ANJUNGAN_TIMEZONE", "Asia/Makassar")
    edge = EdgeProcess(str(tmp_path / "edge"))
    os.makedirs(edge.data_dir)
    edge.start()
    receipts = tmp_path / "receipts"
    controller = Controller(KioskConfig(edge_url=edge.url, token=edge.demo["kiosk_token"],
                                        printer=f"virtual://{receipts}"), post=lambda fn, *a: fn(*a))
    try:
        assert edge.demo and controller.client.health()["village"]["timezone"] == "Asia/Makassar"
        controller.state.village = controller.client.health()["village"]
        now = controller.edge_now()
        assert now.utcoffset() == timedelta(hours=8)
        from kiosk import messages

        assert messages.date_text(now, lambda s: s).endswith(" WITA")
        ticket = controller.client.take_ticket("A", False, "wita-1")
        assert controller._print_ticket(ticket, "Desa Mojowarno") is None
        text = open(sorted(glob.glob(str(receipts / "*.txt")))[-1], encoding="utf-8").read()
        assert any(f"Pukul {hhmm.replace('.', ':')} WITA" in text for hhmm in _hhmm("Asia/Makassar")), text
    finally:
        controller.executor.shutdown(wait=False)
        edge.stop()


def test_the_config_zone_is_used_before_the_edge_answers_and_checked():
    """Provisioning writes the village zone; a kiosk that has not heard the edge yet already shows it."""
    controller = Controller(KioskConfig(timezone="Asia/Jayapura"), post=lambda fn, *a: fn(*a))
    try:
        assert controller.edge_now().utcoffset() == timedelta(hours=9)
        controller.state.village = {"name": "X", "timezone": "Asia/Makassar"}  # the edge's word wins
        assert controller.edge_now().utcoffset() == timedelta(hours=8)
    finally:
        controller.executor.shutdown(wait=False)
    with pytest.raises(ConfigError, match="timezone"):
        KioskConfig().replace(timezone="Mars/Olympus")
