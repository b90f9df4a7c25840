"""The kiosk pins the edge server's certificate: two real TLS servers on 127.0.0.1 with different self-signed
certificates; a client pinned to one talks to it and refuses the other with a clear error."""
from __future__ import annotations

import json
import logging
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kiosk.api_client import EdgeCertificateError, EdgeClient, EdgeUnavailable
from provisioning.tlscert import fingerprint_of_pem, make_certificate


class _Health(BaseHTTPRequestHandler):
    seen_tokens: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.seen_tokens.append(self.headers.get("Authorization", ""))
        body = json.dumps({"status": "ok", "version": "test", "village": {"code": "33.17.09.2016",
                                                                            "name": self.server.name}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _tls_server(folder: Path, name: str) -> tuple[ThreadingHTTPServer, str]:
    key, cert = make_certificate(name, [])
    (folder / f"{name}.key").write_text(key)
    (folder / f"{name}.crt").write_text(cert)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / f"{name}.crt", folder / f"{name}.key")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    server.name = name
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, cert


@pytest.fixture
def two_edges(tmp_path) -> Iterator[dict]:
    servers = {name: _tls_server(tmp_path, name) for name in ("edge-asli", "edge-palsu")}
    yield {name: {"url": f"https://127.0.0.1:{srv.server_address[1]}", "fingerprint": fingerprint_of_pem(cert)}
           for name, (srv, cert) in servers.items()}
    for srv, _ in servers.values():
        srv.shutdown()
        srv.server_close()


def test_pinned_kiosk_talks_to_its_edge(two_edges):
    real = two_edges["edge-asli"]
    client = EdgeClient(real["url"], "token-123", timeout=5, fingerprint=real["fingerprint"])
    assert client.health()["village"]["name"] == "edge-asli"


def test_pinned_kiosk_refuses_another_certificate_before_sending_its_token(two_edges):
    """GIVEN a kiosk pinned to the real edge's certificate WHEN another server (its own self-signed certificate)
    answers at the configured address THEN the call fails with a clear certificate error and no token leaves."""
    real, impostor = two_edges["edge-asli"], two_edges["edge-palsu"]
    _Health.seen_tokens.clear()
    client = EdgeClient(impostor["url"], "secret-token", timeout=5, fingerprint=real["fingerprint"])
    with pytest.raises(EdgeCertificateError) as failure:
        client.health()
    assert isinstance(failure.value, EdgeUnavailable)  # the kiosk shows its offline screen, it does not crash
    assert "not the pinned one" in str(failure.value)
    assert "--edge-fingerprint" in str(failure.value)
    assert "secret-token" not in str(failure.value)
    assert _Health.seen_tokens == []


def test_unpinned_kiosk_does_not_trust_a_self_signed_edge(two_edges):
    client = EdgeClient(two_edges["edge-asli"]["url"], "t", timeout=5)
    with pytest.raises(EdgeUnavailable):
        client.health()


def test_fingerprint_forms_are_accepted_and_nonsense_is_refused(two_edges):
    real = two_edges["edge-asli"]
    bare = real["fingerprint"].replace(":", "").lower()
    assert EdgeClient(real["url"], "t", timeout=5, fingerprint=f"sha256:{bare}").health()["status"] == "ok"
    with pytest.raises(ValueError):
        EdgeClient(real["url"], "t", fingerprint="AB:CD")


def test_kiosk_config_validates_the_fingerprint():
    from kiosk.config import ConfigError, from_mapping

    assert from_mapping({"edge_fingerprint": "ab" * 32}).edge_fingerprint == "ab" * 32
    with pytest.raises(ConfigError, match="edge_fingerprint"):
        from_mapping({"edge_fingerprint": "not-a-hash"})


def test_kiosk_warns_once_when_its_clock_is_off(caplog):
    client = EdgeClient("http://127.0.0.1:9", "t")
    with caplog.at_level(logging.WARNING, logger="kiosk.api_client"):
        assert client.check_clock("2026-01-01T07:00:30+07:00", now=1767225600.0) == pytest.approx(30)
        assert not caplog.records  # 30 s: fine
        assert client.check_clock("2026-01-01T07:05:00+07:00", now=1767225600.0) == pytest.approx(300)
        client.check_clock("2026-01-01T07:05:00+07:00", now=1767225600.0)
    assert len(caplog.records) == 1 and "300 s off" in caplog.text.replace("-300", "300")
