"""Screenshots of the staff console, the TV board and the phone page for docs/ (headless Chromium).

Run: .venv/bin/python -m tools.console_screenshots  (starts its own demo edge server in a temp dir)
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, EdgeServerProcess

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def request_letter(server, kiosk: requests.Session) -> dict:
    """A Surat Keterangan Domisili asked for at the kiosk by a demo resident with a PIN."""
    person = next(r for r in server.demo["residents"] if "pin" in r)
    who = kiosk.post(f"{server.url}/api/v1/identify", json={"nik": person["nik"], "pin": person["pin"]}).json()
    body = {"type": "S-41", "fields": {"keperluan": "Melamar pekerjaan"}}
    return kiosk.post(f"{server.url}/api/v1/letters", json=body,
                      headers={"X-Kiosk-Session": who["session"]}).json()["letter"]


def letter_shots(page, server, letter: dict) -> None:
    """The request page being checked (one document ticked, history), then the warning before a number."""
    page.goto(f"{server.url}/staff/letters/{letter['id']}")
    page.click("#next-step")
    page.click("#confirm-yes")
    page.wait_for_function("document.getElementById('status-label').textContent === 'sedang diperiksa'")
    for box in page.locator("#checklist input[name=doc]").all()[:2]:
        box.check()
    time.sleep(0.5)
    page.click("#next-step")
    page.fill("#reason", "Fotokopi KTP menyusul besok")
    time.sleep(0.3)
    page.screenshot(path=OUT / "console-letter.png", full_page=True)
    page.click("#next-step")
    page.wait_for_selector("#confirm[open]")
    page.screenshot(path=OUT / "console-letter-confirm.png")
    page.click("#confirm-no")


def main() -> int:
    """Write the console, board and phone screenshots into docs/screenshots (`make screenshots`)."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = EdgeServerProcess(Path(tmp) / "edge").start()
        try:
            with requests.Session() as kiosk:
                kiosk.headers.update(server.kiosk_headers)
                for service, priority in ("A", False), ("A", False), ("B", True), ("C", False), ("A", False):
                    kiosk.post(f"{server.url}/api/v1/tickets", json={"service": service, "priority": priority})
                ticket = kiosk.post(f"{server.url}/api/v1/tickets", json={"service": "B"}).json()["ticket"]
                kiosk.post(f"{server.url}/api/v1/devices/heartbeat", json={  # the devices page shows its time
                    "version": "1.0", "printer": {"online": True, "paper": "ok"}, "scanner": {"connected": True}})
                letter = request_letter(server, kiosk)
            user = server.staff_user("admin")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"{server.url}/staff/login")
                page.screenshot(path=OUT / "console-login.png")
                page.fill("input[name=username]", user["username"])
                page.fill("input[name=password]", user["password"])
                page.click("button[type=submit]")
                page.wait_for_url(f"{server.url}/staff/")
                time.sleep(0.5)
                page.screenshot(path=OUT / "console-home.png", full_page=True)
                letter_shots(page, server, letter)
                page.goto(f"{server.url}/staff/counter/1")
                page.click("#btn-call-next")
                page.wait_for_function("document.getElementById('current-number').textContent !== '—'")
                time.sleep(0.5)
                page.screenshot(path=OUT / "console-counter.png", full_page=True)
                board = browser.new_page(viewport={"width": 1920, "height": 1080})
                board.goto(f"{server.url}/display")
                time.sleep(2)
                board.screenshot(path=OUT / "board-1920x1080.png")
                page.click("#btn-finish")
                time.sleep(0.5)
                page.goto(f"{server.url}/staff/reports/daily")
                page.screenshot(path=OUT / "console-report.png", full_page=True)
                page.goto(f"{server.url}/staff/admin/devices")
                page.screenshot(path=OUT / "console-devices.png", full_page=True)
                phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
                phone.goto(ticket["track_url"])
                time.sleep(0.5)
                phone.screenshot(path=OUT / "phone-ticket.png")
                browser.close()
        finally:
            server.stop()
    print(f"screenshots written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
