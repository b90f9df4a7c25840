"""`python -m edge_server serve` with a certificate: HTTPS for everyone, plain HTTP only for this machine and a
redirect for the LAN; a kiosk pinned to the certificate works end to end."""
from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from anjungan_core.tls import PinnedAdapter
from kiosk.api_client import EdgeClient
from provisioning.tlscert import fingerprint_of_pem, make_certificate
from tests.e2e.conftest import ROOT, EdgeServerProcess

HTTPS_LINE = re.compile(r"listening on (https://[\d.]+:\d+)")

pytestmark = pytest.mark.slow


def lan_address() -> str | None:
    """An address of this machine that is not loopback (the LAN side), or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


class TlsEdge(EdgeServerProcess):
    """The demo edge server with ANJUNGAN_TLS_* set, on ``host`` (127.0.0.1 or a LAN address)."""

    def __init__(self, data_dir: Path, cert_dir: Path, host: str = "127.0.0.1"):
        key, cert = make_certificate("edge-test", [host] if not host.startswith("127.") else [])
        (cert_dir / "edge.key").write_text(key)
        (cert_dir / "edge.crt").write_text(cert)
        (cert_dir / "edge.key").chmod(0o600)
        self.fingerprint = fingerprint_of_pem(cert)
        super().__init__(data_dir, env={"ANJUNGAN_TLS_CERT": str(cert_dir / "edge.crt"),
                                        "ANJUNGAN_TLS_KEY": str(cert_dir / "edge.key"), "ANJUNGAN_TLS_PORT": "0"})
        self.host = host
        self.https_url = ""

    def start(self) -> TlsEdge:
        if self.host == "127.0.0.1":
            super().start()
        else:  # the parent's command names 127.0.0.1; the same wait, on another address
            real_popen = subprocess.Popen

            def popen(cmd, **kwargs):
                cmd = [self.host if part == "127.0.0.1" else part for part in cmd]
                return real_popen(cmd, **kwargs)

            subprocess.Popen = popen
            try:
                super().start()
            finally:
                subprocess.Popen = real_popen
        deadline = time.monotonic() + 10
        while not self.https_url and time.monotonic() < deadline:
            for line in self.log:
                if match := HTTPS_LINE.search(line):
                    self.https_url = match.group(1)
            time.sleep(0.05)
        assert self.https_url, "".join(self.log)
        return self


@pytest.fixture(scope="module")
def tls_edge(tmp_path_factory):
    server = TlsEdge(tmp_path_factory.mktemp("edge"), tmp_path_factory.mktemp("tls")).start()
    yield server
    server.stop()


def pinned(server: TlsEdge) -> requests.Session:
    """A browser-like client that trusts exactly the edge's certificate."""
    session = requests.Session()
    session.mount("https://", PinnedAdapter(server.fingerprint))
    return session


def _wait_for(url: str, session: requests.Session | None = None, **kwargs) -> requests.Response:
    deadline = time.monotonic() + 15
    while True:
        try:
            return (session or requests).get(url, timeout=5, **kwargs)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_serve_logs_both_listeners_and_keeps_the_demo_contract(tls_edge):
    log = "".join(tls_edge.log)
    assert tls_edge.url.startswith("http://127.0.0.1:") and tls_edge.https_url.startswith("https://127.0.0.1:")
    assert tls_edge.fingerprint in log  # the technician can compare it; the key never appears
    assert "PRIVATE KEY" not in log
    assert log.index("demo data written") < log.index("listening on http://")
    assert tls_edge.demo["edge_url"] == tls_edge.url  # this machine keeps plain HTTP (a kiosk on the same Pi)


def test_pinned_kiosk_uses_the_edge_over_https(tls_edge):
    client = EdgeClient(tls_edge.https_url, tls_edge.demo["kiosk_token"], timeout=10,
                        fingerprint=tls_edge.fingerprint)
    _wait_for(tls_edge.https_url + "/api/v1/health", pinned(tls_edge))
    health = client.health()
    assert health["village"]["code"] == "33.17.09.2016"
    assert set(health["clock"]) >= {"trusted", "source", "reason", "now"}
    ticket = client.take_ticket("A", False, "tls-key-1")
    assert ticket["number"].startswith("A-")
    assert ticket["track_url"].startswith("https://")  # printed links point at HTTPS
    client.heartbeat("test", {"online": True, "paper": "ok"}, {"connected": True})
    assert client.clock_offset is not None and abs(client.clock_offset) < 60


def test_the_certificate_is_offered_to_browsers(tls_edge):
    browser = pinned(tls_edge)
    page = _wait_for(tls_edge.https_url + "/cert", browser)
    assert page.status_code == 200 and tls_edge.fingerprint in page.text
    der = browser.get(tls_edge.https_url + "/cert.crt", timeout=5)
    assert der.headers["Content-Type"] == "application/x-x509-ca-cert"
    import hashlib

    assert hashlib.sha256(der.content).hexdigest().upper() == tls_edge.fingerprint.replace(":", "")


def test_plain_http_still_serves_this_machine(tls_edge):
    answer = _wait_for(tls_edge.url + "/display", allow_redirects=False)
    assert answer.status_code == 200


def test_board_events_stream_over_https(tls_edge):
    with pinned(tls_edge).get(tls_edge.https_url + "/display/events", stream=True, timeout=10) as answer:
        assert answer.status_code == 200
        assert answer.headers["Content-Type"].startswith("text/event-stream")


def test_handshake_and_request_latency_over_https(tls_edge, record_property):
    """A figure for the report: one new TLS connection + health, and a kept-alive request."""
    _wait_for(tls_edge.https_url + "/api/v1/health", pinned(tls_edge))
    start = time.perf_counter()
    for _ in range(10):
        with pinned(tls_edge) as fresh:
            fresh.get(tls_edge.https_url + "/api/v1/health", timeout=5)
    fresh_ms = (time.perf_counter() - start) * 100
    with pinned(tls_edge) as session:
        session.get(tls_edge.https_url + "/api/v1/health", timeout=5)
        start = time.perf_counter()
        for _ in range(20):
            session.get(tls_edge.https_url + "/api/v1/health", timeout=5)
        kept_ms = (time.perf_counter() - start) * 50
    record_property("https_new_connection_ms", round(fresh_ms, 2))
    record_property("https_keepalive_ms", round(kept_ms, 2))
    print(f"https health: new connection {fresh_ms:.1f} ms, kept alive {kept_ms:.1f} ms")
    assert fresh_ms < 2000


def test_lan_requests_on_plain_http_are_redirected_to_https(tmp_path):
    """GIVEN the edge on a LAN address WHEN a browser on the LAN asks plain HTTP for the board, a public page or
    the API THEN it gets a permanent redirect (308) to the same path on HTTPS, and HTTPS answers."""
    address = lan_address()
    if address is None:
        pytest.skip("no non-loopback address on this machine")
    (tmp_path / "tls").mkdir()
    server = TlsEdge(tmp_path / "edge", tmp_path / "tls", host=address).start()
    try:
        https_port = int(server.https_url.rsplit(":", 1)[1])
        for path in ("/display", "/t/abc?x=1", "/api/v1/health", "/staff/login"):
            answer = _wait_for(server.url + path, allow_redirects=False)
            assert answer.status_code == 308, path
            assert answer.headers["Location"] == f"https://{address}:{https_port}{path}"
        posted = requests.post(server.url + "/api/v1/tickets", json={"service": "A"}, allow_redirects=False,
                               timeout=5)
        assert posted.status_code == 308
        client = EdgeClient(server.https_url, server.demo["kiosk_token"], timeout=10,
                            fingerprint=server.fingerprint)
        assert client.health()["status"] == "ok"
    finally:
        server.stop()


def test_a_key_that_does_not_fit_the_certificate_stops_serve_with_a_clear_error(tmp_path):
    key, _cert = make_certificate("one", [])
    _key2, cert2 = make_certificate("two", [])
    (tmp_path / "k.pem").write_text(key)
    (tmp_path / "c.pem").write_text(cert2)
    env = {"ANJUNGAN_TLS_CERT": str(tmp_path / "c.pem"), "ANJUNGAN_TLS_KEY": str(tmp_path / "k.pem")}
    import os

    result = subprocess.run([sys.executable, "-m", "edge_server", "serve", "--data-dir", str(tmp_path / "d"),
                             "--host", "127.0.0.1", "--port", "0"], cwd=ROOT, env={**os.environ, **env},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "tls_key" in result.stderr and "does not fit" in result.stderr
    assert "PRIVATE" not in result.stderr + result.stdout


def test_tls_serve_tells_systemd_it_is_ready_feeds_the_watchdog_and_stops_quickly(tmp_path):
    """GIVEN serve with a certificate, started as systemd would (NOTIFY_SOCKET, WATCHDOG_USEC) THEN granian's
    parent (the unit's main process) sends READY=1 and WATCHDOG=1 while the app answers; SIGTERM with a board
    stream open ends it within a few seconds (the streams are stopped first)."""
    path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(20)
    (tmp_path / "tls").mkdir()
    server = TlsEdge(tmp_path / "edge", tmp_path / "tls")
    server.env.update(NOTIFY_SOCKET=path, WATCHDOG_USEC="1000000")
    try:
        server.start()
        messages: list[bytes] = []
        while b"WATCHDOG=1" not in messages:  # our READY=1, then the pings
            messages.append(sock.recv(4096))
        stream = pinned(server).get(server.https_url + "/display/events", stream=True, timeout=10)
        assert stream.status_code == 200
        started = time.monotonic()
        server.stop()
        assert server.proc.returncode is not None
        assert time.monotonic() - started < 3  # the worker ends the streams before it stops
    finally:
        server.stop()
        sock.close()
    assert any(m.startswith(b"READY=1\nSTATUS=listening on ports ") for m in messages), messages


def test_https_from_two_workers_numbers_tickets_without_gap_and_both_answer_plain_http(tmp_path):
    """GIVEN a certificate and `workers = 2` WHEN 8 pinned kiosks take 80 tickets over HTTPS at once THEN both
    worker processes serve, the numbers run 1..80, and this machine's plain HTTP is answered alongside."""
    from concurrent.futures import ThreadPoolExecutor

    (tmp_path / "tls").mkdir()
    server = TlsEdge(tmp_path / "edge", tmp_path / "tls")
    server.env["ANJUNGAN_WORKERS"] = "2"
    server.start()
    try:
        deadline = time.monotonic() + 10
        while len(workers := open(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children").read().split()) < 2:
            assert time.monotonic() < deadline, workers
            time.sleep(0.1)
        assert len(workers) == 2
        assert any("2 worker processes" in line for line in server.log)

        def kiosk(_index: int) -> list[int]:
            session = pinned(server)
            session.headers.update(server.kiosk_headers)
            return [int(session.post(f"{server.https_url}/api/v1/tickets", json={"service": "A"},
                                     timeout=30).json()["ticket"]["number"].split("-")[1]) for _ in range(10)]

        with ThreadPoolExecutor(8) as pool:
            numbers = sorted(n for got in pool.map(kiosk, range(8)) for n in got)
        assert numbers == list(range(1, 81))
        for _ in range(4):
            assert requests.get(f"{server.url}/api/v1/health", timeout=10).status_code == 200
    finally:
        server.stop()
