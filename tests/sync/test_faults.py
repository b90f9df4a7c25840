"""Fault injection on a real edge and a real district on 127.0.0.1 (marked slow).

One district (gunicorn, 2 workers, its clock 10 minutes ahead) and one demo edge, joined by a TCP proxy that
drops, stalls and resets connections, answers 500/503 itself, or loses the district's reply. After each fault the
district's summary must equal the edge's own counts exactly.
"""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time

import pytest
import requests

from tests.sync.processes import ROOT, District, Edge, stop
from tests.sync.proxy import FaultProxy

pytestmark = pytest.mark.slow
CODE = "33.17.09.2016"


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    district = District(root / "district", env={"DISTRICT_CLOCK_OFFSET_SECONDS": "600"})
    proxy = FaultProxy(int(district.url.rsplit(":", 1)[1]))
    edge = Edge(root / "edge", proxy.url, district.demo["villages"][CODE]["secret"])
    yield district, proxy, edge
    proxy.close()
    stop(edge.proc)
    stop(district.proc)
    secret = district.demo["villages"][CODE]["secret"]
    for log in ("edge.log", "district.log"):
        assert secret not in (root / log).read_text(errors="replace"), f"{log} shows the village secret"


def converged(district: District, edge: Edge, timeout: float = 30.0) -> dict:
    """Wait until the district's summary equals the edge's counts; return them (fail with both on timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        mine = edge.counts()
        summary = district.summary(CODE, edge.business_date())
        theirs = {k: summary[k] for k in mine}
        if theirs == mine and edge.pending() == 0:
            return mine
        if time.monotonic() > deadline:
            pytest.fail(f"district {theirs} != edge {mine}; pending {edge.pending()}; state {edge.sync_state()}")
        time.sleep(0.2)


def test_clean_sync_with_clocks_ten_minutes_apart(system):
    district, proxy, edge = system
    edge.take_tickets(3)
    edge.serve_next("finish")
    counts = converged(district, edge)
    assert counts["tickets_issued"] >= 3 and counts["tickets_served"] == 1
    assert 590 <= edge.sync_state()["clock_offset"] <= 610


@pytest.mark.parametrize("mode", ["drop", "reset", "midbody", "http500", "http503", "lose_reply", "stall"])
def test_fault_then_recovery(system, mode):
    district, proxy, edge = system
    before = district.summary(CODE, edge.business_date())["tickets_issued"]
    proxy.set(mode)
    edge.take_tickets(2, service="B")
    edge.serve_next("finish" if mode != "http503" else "no-show")
    time.sleep(1.5)  # several attempts fail meanwhile
    if mode != "lose_reply":  # a lost reply means the district has it, the edge does not know yet
        deadline = time.monotonic() + 10  # a stalled request fails only at the edge's read timeout
        while not edge.sync_state()["last_error"] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert edge.sync_state()["last_error"]
        assert district.summary(CODE, edge.business_date())["tickets_issued"] == before
        assert edge.pending() > 0
    proxy.set("pass")
    converged(district, edge)


def test_duplicate_and_reordered_batches_change_nothing(system):
    district, proxy, edge = system
    edge.take_tickets(2)
    counts = converged(district, edge)
    assert proxy.captured
    for request in reversed(proxy.captured[-6:]):  # replay as they went, newest first
        with __import__("socket").create_connection(("127.0.0.1", int(district.url.rsplit(":", 1)[1]))) as s:
            s.sendall(request)
            reply = b""
            while chunk := s.recv(65536):
                reply += chunk
        status = int(reply.split(b" ", 2)[1])
        assert status in (200, 401), reply[:200]  # 401 only when the replay fell outside the 300 s window
        if status == 200:
            assert json.loads(reply.partition(b"\r\n\r\n")[2])["stored"] == 0
    assert converged(district, edge) == counts


def test_edge_killed_while_sending_loses_nothing_and_counts_nothing_twice(system):
    district, proxy, edge = system
    proxy.set("hold")
    edge.take_tickets(4, service="C")
    edge.serve_next("finish")
    assert proxy.holding.wait(10), "the edge never started sending"
    edge.kill()  # SIGKILL with a batch in flight
    proxy.release()  # the held batch now reaches the district; the edge never hears back
    time.sleep(0.5)
    proxy.set("pass")
    edge.start()
    counts = converged(district, edge)
    assert counts["tickets_issued"] >= 4


def test_a_batch_outside_the_window_is_refused(system):
    district, _proxy, _edge = system
    body = gzip.compress(json.dumps({"village": CODE, "events": []}).encode())
    import hashlib
    import hmac

    secret = district.demo["villages"][CODE]["secret"]
    stale = int(time.time())  # the district's clock is 10 minutes ahead of ours
    signature = hmac.new(secret.encode(), f"{stale}.".encode() + body, hashlib.sha256).hexdigest()
    answer = requests.post(f"{district.url}/api/v1/sync/batches", data=body, timeout=10, headers={
        "X-Anjungan-Village": CODE, "X-Anjungan-Timestamp": str(stale), "X-Anjungan-Signature": signature,
        "Content-Encoding": "gzip"})
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "clock_skew"
    assert abs(answer.json()["server_time"] - (time.time() + 600)) < 5


def _sync_once(edge: Edge) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANJUNGAN_DISTRICT_URL": edge.district_url, "ANJUNGAN_DISTRICT_SECRET": edge.secret,
           "ANJUNGAN_SYNC_BACKOFF_BASE_SECONDS": "0.2", "ANJUNGAN_SYNC_BACKOFF_MAX_SECONDS": "0.5"}
    return subprocess.run([sys.executable, "-m", "edge_server", "sync", "--data-dir", str(edge.data_dir), "--once"],
                          env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_sync_once_fails_while_the_district_is_unreachable(system):
    district, proxy, edge = system
    proxy.set("drop")
    edge.take_tickets(1)
    result = _sync_once(edge)
    assert result.returncode == 1, result.stdout + result.stderr
    proxy.set("pass")
    converged(district, edge)


def test_sync_once_alongside_the_serving_worker(system):
    district, proxy, edge = system
    edge.take_tickets(5, service="B")
    result = _sync_once(edge)  # serve's worker is sending at the same time
    assert result.returncode == 0, result.stdout + result.stderr
    assert edge.sync_state()["acked_through"] >= edge.counts()["last_seq"] - 0
    converged(district, edge)
