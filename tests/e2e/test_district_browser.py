"""The district dashboard in headless Chromium against a real `python -m district serve --demo` (gunicorn)."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.district.helpers import sign

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"listening on (http://[\d.]+:\d+)")
MOJOWARNO, BANGGI = "33.17.09.2016", "33.17.09.2001"


@pytest.fixture
def district_server(tmp_path):
    """`python -m district serve --demo` on a free port; yields (url, demo.json)."""
    env = {**os.environ, "DISTRICT_PASSWORD_HASH": "scrypt:1024:8:1", "DISTRICT_WORKERS": "2",
           "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "district", "serve", "--data-dir", str(tmp_path / "hub"), "--demo",
                             "--host", "127.0.0.1", "--port", "0"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    log: list[str] = []
    found = threading.Event()
    url: list[str] = []

    def pump():
        for line in proc.stdout:
            log.append(line)
            match = LISTENING.search(line)
            if match and not found.is_set():
                url.append(match.group(1))
                found.set()

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + 60
    while not found.wait(0.1):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("district did not start:\n" + "".join(log[-40:]))
    try:
        yield url[0], json.loads((tmp_path / "hub" / "demo.json").read_text())
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)



def _signed_headers(code: str, secret: str, body: bytes) -> dict:
    ts = int(time.time())
    return {"X-Anjungan-Village": code, "X-Anjungan-Timestamp": str(ts),
            "X-Anjungan-Signature": sign(secret, ts, body)}


def _event(seq: int, kind: str, day: str, **data) -> dict:
    return {"id": str(uuid.uuid4()), "seq": seq, "type": kind,
            "occurred_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "business_date": day, "data": data or {"service": "A"}}


def _config(url: str, code: str, secret: str) -> dict:
    answer = requests.get(f"{url}/api/v1/sync/config", headers=_signed_headers(code, secret, b""), timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_staff_read_a_village_export_it_and_announce_to_chosen_villages(district_server, browser, tmp_path):
    """GIVEN a demo hub and a signed batch from Mojowarno (3 tickets issued, 2 served today)
    WHEN district staff log in THEN the overview shows those counts; the village page has an SVG chart;
    the CSV downloads with today's row; an announcement for Mojowarno only reaches Mojowarno's config."""
    from playwright.sync_api import expect

    url, demo = district_server
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()
    events = [_event(1, "ticket.issued", today), _event(2, "ticket.issued", today),
              _event(3, "ticket.issued", today), _event(4, "ticket.finished", today, service_seconds=60),
              _event(5, "ticket.finished", today, service_seconds=90)]
    body = json.dumps({"village": MOJOWARNO, "events": events}).encode()
    secret = demo["villages"][MOJOWARNO]["secret"]
    answer = requests.post(f"{url}/api/v1/sync/batches", data=body, timeout=10,
                           headers={**_signed_headers(MOJOWARNO, secret, body), "Content-Type": "application/json"})
    assert answer.status_code == 200 and answer.json()["acked_through"] == 5, answer.text

    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    staff = demo["staff"][0]
    page.goto(f"{url}/")
    page.fill("input[name=username]", staff["username"])
    page.fill("input[name=password]", staff["password"])
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/(\?.*)?$"))
    row = page.locator(f'tr[data-village="{MOJOWARNO}"]')
    expect(row.locator("td.issued")).to_have_text("3")
    expect(row.locator("td.served")).to_have_text("2")
    expect(page.locator('tr[data-village]')).to_have_count(23)

    row.locator("a").first.click()
    page.wait_for_url(re.compile(rf".*/villages/{re.escape(MOJOWARNO)}.*"))
    expect(page.locator("h1")).to_contain_text("Mojowarno")
    assert page.locator("svg.chart").count() >= 1
    expect(page.locator("svg.chart rect").first).to_be_attached()

    with page.expect_download() as info:
        page.locator(f'a[href*="/villages/{MOJOWARNO}/export.csv"]').click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert len(rows) == 30
    todays = next(r for r in rows if r["tanggal"] == today)
    assert todays["tiket_diambil"] == "3" and todays["tiket_dilayani"] == "2"

    page.locator("header a", has_text="Pengumuman").click()
    page.fill("#title", "Rapat kepala desa se-Kaliori")
    page.fill("#body", "Senin pukul 09.00 di kantor kecamatan.")
    page.check('input[name=audience][value=chosen]')
    page.check(f'input[name=villages][value="{MOJOWARNO}"]')
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".flash")).to_contain_text("Pengumuman diterbitkan")
    expect(page.locator("main table")).to_contain_text("Rapat kepala desa se-Kaliori")

    mojowarno = _config(url, MOJOWARNO, secret)
    assert [a["title"] for a in mojowarno["announcements"]] == ["Rapat kepala desa se-Kaliori"]
    banggi = _config(url, BANGGI, demo["villages"][BANGGI]["secret"])
    assert banggi["announcements"] == []
    context.close()
