"""The board in headless Chromium against a real edge server process (waitress), plus the stream's shutdown."""
from __future__ import annotations

import io
import signal
import time
import urllib.request
import wave
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from edge_server.display.voice import chime_samples
from tests.e2e.staff_session import staff_session

pytestmark = [pytest.mark.browser, pytest.mark.slow]




def take_ticket(server, service="A") -> dict:
    r = requests.post(f"{server.url}/api/v1/tickets", json={"service": service}, headers=server.kiosk_headers,
                      timeout=10)
    assert r.status_code == 201, r.text
    return r.json()["ticket"]


def test_call_from_the_counter_shows_and_speaks_on_the_board_and_counts_in_the_report(edge_server_process, browser):
    """GIVEN a waiting ticket, the board open on a TV and an operator at counter 1
    WHEN the operator calls next THEN the board shows the number at counter 1 and fetches and plays its voice;
    WHEN the operator finishes it THEN the daily report counts one served for service A;
    WHEN the server restarts and calls again THEN the board shows the new call without a reload."""
    from playwright.sync_api import expect

    server = edge_server_process
    ticket = take_ticket(server)
    audio_url = f"/display/calls/{ticket['id']}/audio.wav"

    # the TV's browser runs in UTC: the board still shows the village's time, with WIB
    board = browser.new_context(viewport={"width": 1920, "height": 1080}, timezone_id="UTC").new_page()
    audio_requests: list[str] = []
    board.on("request", lambda req: audio_requests.append(req.url) if req.url.endswith(".wav") else None)
    board.goto(f"{server.url}/display")
    expect(board.locator(".counter-box")).to_have_count(2)
    board.wait_for_function("window.boardLog !== undefined")
    expect(board.locator("#clock-time")).to_contain_text("WIB")
    jakarta = datetime.now(UTC).astimezone(ZoneInfo("Asia/Jakarta"))
    shown = board.locator("#clock-time").inner_text()
    assert any(f"{m:%H}" in shown for m in (jakarta, jakarta - timedelta(minutes=1))), shown

    console = browser.new_context().new_page()
    operator = server.staff_user("operator")
    console.goto(f"{server.url}/staff/login")
    console.fill("input[name=username]", operator["username"])
    console.fill("input[name=password]", operator["password"])
    console.locator("form button[type=submit], form input[type=submit]").first.click()
    console.wait_for_url(f"{server.url}/staff/")
    console.goto(f"{server.url}/staff/counter/1")
    console.click("#btn-call-next")
    expect(console.locator("#current-number")).to_have_text("A-001")

    number = board.locator('.counter-box[data-counter="1"] [data-role=number]')
    expect(number).to_have_text("A-001", timeout=10_000)
    expect(board.locator('.counter-box[data-counter="1"]')).to_have_class("counter-box flash")
    expect(board.locator("#recent-calls li").first).to_contain_text("A-001")
    # The number is huge: at 1080p it is at least a fifth of the screen's height.
    assert float(number.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 200

    expect(console.locator("#btn-finish")).to_be_enabled()
    console.click("#btn-finish")
    expect(console.locator("#current-number")).to_have_text("—")
    console.goto(f"{server.url}/staff/reports/daily")
    expect(console.locator('tr[data-service="A"] td.served')).to_have_text("1")

    # The board fits a 720p TV too: every counter box and the ticker stay on screen.
    board.set_viewport_size({"width": 1280, "height": 720})
    for box in board.locator(".counter-box, .ticker, .recent").all():
        b = box.bounding_box()
        assert b["x"] >= 0 and b["y"] >= 0 and b["x"] + b["width"] <= 1280 and b["y"] + b["height"] <= 720

    # Meanwhile the board fetched the voice and played it to its end without a click: a real WAV, longer
    # than the chime alone.
    board.wait_for_function(
        "url => window.boardLog.some(e => e.type === 'audio' && e.url === url && e.result === 'ended')",
        arg=audio_url, timeout=15_000)
    assert f"{server.url}{audio_url}" in audio_requests
    expect(board.locator("#sound-unlock")).to_be_hidden()
    wav = board.request.get(f"{server.url}{audio_url}")
    assert wav.status == 200 and wav.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(wav.body())) as w:
        assert w.getnframes() / w.getframerate() > len(chime_samples(w.getframerate())) / w.getframerate() + 2

    # A server restart: the board reconnects by itself and shows (and speaks) the next call.
    server.stop()
    server.start()
    second = take_ticket(server)
    session, _csrf = staff_session(server.url, operator["username"], operator["password"])
    assert session.post(f"{server.url}/staff/api/counters/2/call-next", json={}, timeout=10).json()["ticket"][
        "id"] == second["id"]
    expect(board.locator('.counter-box[data-counter="2"] [data-role=number]')).to_have_text("A-002",
                                                                                           timeout=15_000)
    board.wait_for_function(
        "url => window.boardLog.some(e => e.type === 'audio' && e.url === url && e.result === 'start')",
        arg=f"/display/calls/{second['id']}/audio.wav", timeout=15_000)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_board_stream_ends_when_the_server_stops(edge_server_process, sig):
    """A board stream never keeps a stopping server alive (waitress would wait 5 s for its thread)."""
    server = edge_server_process
    stream = urllib.request.urlopen(f"{server.url}/display/events", timeout=30)
    assert stream.readline().startswith(b"retry:")
    started = time.monotonic()
    server.proc.send_signal(sig)
    try:
        while stream.readline():
            pass
    except (ConnectionError, OSError):
        pass
    server.proc.wait(10)
    assert time.monotonic() - started < 3
    assert "thread(s) still running" not in "".join(server.log)
