"""The counter console in headless Chromium against a real edge server process with a virtual counter printer:
a walk-in ticket printed at the desk, and a reprint of a kiosk ticket whose receipt did not print."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import EdgeServerProcess
from tests.e2e.staff_session import console_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]




@pytest.fixture
def printer_dir(tmp_path) -> Path:
    folder = tmp_path / "counter-printer"
    folder.mkdir()
    return folder


@pytest.fixture
def server(tmp_path, printer_dir):
    process = EdgeServerProcess(tmp_path / "edge", env={"ANJUNGAN_COUNTER_PRINTER": f"virtual://{printer_dir}"})
    process.start()
    yield process
    process.stop()


def receipts(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"), key=lambda p: p.stat().st_mtime)]


def wait_for_receipts(folder: Path, count: int, timeout: float = 10.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = receipts(folder)
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"expected {count} receipts in {folder}, found {len(receipts(folder))}")


def test_walk_in_ticket_and_reprint_on_the_counter_printer(server, browser, printer_dir):
    """GIVEN an operator at loket 1 and a counter printer (virtual)
    WHEN they press a service in "Tiket untuk warga di loket"
    THEN the number is shown and printed on the counter printer;
    AND WHEN a kiosk reports its receipt did not print ("kertas habis")
    THEN it appears under "Gagal cetak", and "Cetak ulang" prints it on the counter printer and clears it."""
    from playwright.sync_api import expect

    page = console_page(server, browser)
    page.goto(f"{server.url}/staff/counter/1")

    page.click(".walkin-service[data-service=A]")
    expect(page.locator("#message")).to_contain_text("A-001")
    expect(page.locator("#message")).not_to_contain_text("tidak tercetak")
    walk_in = wait_for_receipts(printer_dir, 1)
    assert "A-001" in walk_in[0] and "MOJOWARNO" in walk_in[0]

    r = requests.post(f"{server.url}/api/v1/tickets", json={"service": "B"}, headers=server.kiosk_headers, timeout=10)
    assert r.status_code == 201, r.text
    ticket = r.json()["ticket"]
    failed = requests.post(f"{server.url}/api/v1/tickets/{ticket['id']}/printed", timeout=10,
                           json={"printed": False, "error": "kertas habis"}, headers=server.kiosk_headers)
    assert failed.status_code == 200, failed.text
    item = page.locator("#unprinted li", has_text=ticket["number"])
    expect(item).to_contain_text("kertas habis", timeout=10000)
    item.locator(".reprint").click()
    reprinted = wait_for_receipts(printer_dir, 2)
    assert ticket["number"] in reprinted[-1]
    expect(page.locator("#unprinted li")).to_have_count(0, timeout=10000)
