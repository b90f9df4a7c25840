"""The counter console guides the clerk, in headless Chromium against a real edge server process: one highlighted
action that follows the ticket, counters that name their services, a print box that only looks alarming when a
ticket really failed to print, and dates in words."""
from __future__ import annotations

import re

import pytest
import requests

from tests.e2e.staff_session import console_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WARN = "rgb(166, 27, 27)"  # --warn in staff.css
DATE_IN_WORDS = re.compile(r"^(Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu), \d{1,2} (Januari|Februari|Maret|April|Mei|"
                           r"Juni|Juli|Agustus|September|Oktober|November|Desember) \d{4}$")


def primary_buttons(page) -> list[str]:
    return page.eval_on_selector_all(".current .actions button.primary", "els => els.map(e => e.id)")


def test_the_highlighted_action_follows_the_ticket(edge_server_process, browser):
    """GIVEN a waiting ticket
    WHEN the clerk calls it, starts serving and finishes
    THEN exactly one button is highlighted each time: call next, then start, then finish, then call next."""
    from playwright.sync_api import expect

    server = edge_server_process
    page = console_page(server, browser)
    r = requests.post(f"{server.url}/api/v1/tickets", json={"service": "A"}, headers=server.kiosk_headers, timeout=10)
    assert r.status_code == 201, r.text
    page.goto(f"{server.url}/staff/counter/1")
    expect(page.locator("#waiting li")).to_have_count(1)
    assert primary_buttons(page) == ["btn-call-next"]
    page.click("#btn-call-next")
    expect(page.locator("#current-number")).to_have_text(r.json()["ticket"]["number"])
    expect(page.locator("#btn-start")).to_have_class(re.compile(r"\bprimary\b"))
    assert primary_buttons(page) == ["btn-start"]
    page.click("#btn-start")
    expect(page.locator("#btn-finish")).to_have_class(re.compile(r"\bprimary\b"))
    assert primary_buttons(page) == ["btn-finish"]
    page.click("#btn-finish")
    expect(page.locator("#btn-call-next")).to_have_class(re.compile(r"\bprimary\b"))
    assert primary_buttons(page) == ["btn-call-next"]


def test_counters_show_services_and_dates_read_in_words(edge_server_process, browser):
    from playwright.sync_api import expect

    server = edge_server_process
    page = console_page(server, browser)
    assert DATE_IN_WORDS.match(page.locator("#today").inner_text())
    tiles = page.locator(".tile")
    assert tiles.count() >= 1
    for i in range(tiles.count()):
        expect(tiles.nth(i).locator(".tile-services")).to_contain_text(" · ")
    page.goto(f"{server.url}/staff/counter/1")
    expect(page.locator("#counter-services")).to_contain_text("Melayani: A · ")
    assert DATE_IN_WORDS.match(page.locator("#today").inner_text())


def test_an_empty_print_box_is_calm_and_a_failed_print_is_not(edge_server_process, browser):
    from playwright.sync_api import expect

    server = edge_server_process
    page = console_page(server, browser)
    page.goto(f"{server.url}/staff/counter/1")
    box = page.locator("#print-state")
    expect(page.locator("#all-printed")).to_be_visible()
    expect(page.locator("#print-title")).to_have_text("Cetak tiket")
    assert page.locator("#print-title").evaluate("e => getComputedStyle(e).color") != WARN

    r = requests.post(f"{server.url}/api/v1/tickets", json={"service": "B"}, headers=server.kiosk_headers, timeout=10)
    ticket = r.json()["ticket"]
    requests.post(f"{server.url}/api/v1/tickets/{ticket['id']}/printed", timeout=10,
                  json={"printed": False, "error": "kertas habis"}, headers=server.kiosk_headers)
    expect(box).to_have_attribute("data-failed", "1", timeout=10000)
    expect(page.locator("#print-title")).to_have_text("Gagal cetak")
    expect(page.locator("#all-printed")).to_be_hidden()
    assert page.locator("#print-title").evaluate("e => getComputedStyle(e).color") == WARN
