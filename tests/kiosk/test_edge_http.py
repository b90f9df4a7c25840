"""The kiosk's HTTP to the edge (kiosk/edge_http.py), against a real HTTP/1.1 server on 127.0.0.1."""
from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kiosk.edge_http import EdgeHTTP, TransportError


class _Edge(BaseHTTPRequestHandler):
    """Answers ``/echo`` with the request's body, ``/big`` with 10,000 bytes, ``/slow`` after a second; with
    ``/once`` it closes the connection after answering without saying so (as a server whose keep-alive ran out)."""

    protocol_version = "HTTP/1.1"
    requests_seen: list[tuple[str, int]] = []  # (path, client port): which connection carried each request

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.requests_seen.append((self.path, self.client_address[1]))
        body = {"/big": b"x" * 10_000}.get(self.path, b"ok")
        if self.path == "/slow":
            time.sleep(1.0)
        self._answer(body)
        if self.path == "/once":
            self.close_connection = True

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.requests_seen.append((self.path, self.client_address[1]))
        self._answer(body)

    def _answer(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A client dropping its connection is what some tests do on purpose: not a traceback in the test log."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture
def edge_url() -> Iterator[str]:
    server = _Server(("127.0.0.1", 0), _Edge)
    _Edge.requests_seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_requests_share_one_kept_connection(edge_url):
    http = EdgeHTTP(1.0, 2.0)
    assert http.request("POST", edge_url + "/echo", b'{"a": 1}', {"Content-Type": "application/json"}) == \
        (200, b'{"a": 1}')
    assert http.request("GET", edge_url + "/x?y=1") == (200, b"ok")
    assert [path for path, _ in _Edge.requests_seen] == ["/echo", "/x?y=1"]
    assert len({port for _, port in _Edge.requests_seen}) == 1


def test_a_connection_the_server_closed_is_replaced_and_nothing_is_sent_twice(edge_url):
    http = EdgeHTTP(1.0, 2.0)
    assert http.request("GET", edge_url + "/once") == (200, b"ok")
    time.sleep(0.1)  # the server has closed its end by now
    assert http.request("POST", edge_url + "/echo", b"ticket") == (200, b"ticket")
    assert [path for path, _ in _Edge.requests_seen] == ["/once", "/echo"]  # the POST went out once
    assert len({port for _, port in _Edge.requests_seen}) == 2


def test_each_thread_has_its_own_connection(edge_url):
    http = EdgeHTTP(1.0, 2.0)
    http.request("GET", edge_url + "/a")
    worker = threading.Thread(target=http.request, args=("GET", edge_url + "/b"))
    worker.start()
    worker.join()
    assert len({port for _, port in _Edge.requests_seen}) == 2


def test_an_answer_over_the_limit_is_refused(edge_url):
    http = EdgeHTTP(1.0, 2.0)
    assert http.request("GET", edge_url + "/big", max_bytes=10_000)[1] == b"x" * 10_000
    with pytest.raises(TransportError, match="larger than 100 bytes"):
        http.request("GET", edge_url + "/big", max_bytes=100)  # 9,899 bytes of it left unread on the connection
    assert http.request("GET", edge_url + "/after") == (200, b"ok")  # on a new connection, not after that rest


def test_a_slow_answer_times_out_and_a_closed_port_is_a_transport_error(edge_url):
    http = EdgeHTTP(1.0, 0.2)
    started = time.monotonic()
    with pytest.raises(TransportError, match="timed out"):
        http.request("GET", edge_url + "/slow")
    assert time.monotonic() - started < 0.9
    with pytest.raises(TransportError):
        EdgeHTTP(1.0, 1.0).request("GET", "http://127.0.0.1:9/health")
    with pytest.raises(TransportError, match="not an http"):
        http.request("GET", "ftp://127.0.0.1/x")
