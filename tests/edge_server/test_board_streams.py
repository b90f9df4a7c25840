"""Strangers cannot lock the TV board out of its event stream (a real waitress server on 127.0.0.1; strangers
connect from other loopback addresses, 127.0.0.2 and up, which the server sees as other machines)."""
from __future__ import annotations

import socket
import threading
import time

import pytest
from waitress import create_server

from edge_server.devices import create_pairing_code
from tests.tools import stop_waitress


@pytest.fixture
def server(app):
    # heartbeats far apart: a slot must come back because the hang-up is noticed, not because a write failed
    app.extensions["display_stream_options"] = {"poll": 0.05, "heartbeat": 60, "max_seconds": 120}
    httpd = create_server(app, host="127.0.0.1", port=0, threads=24, ident="test-edge", channel_request_lookahead=1)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield httpd.effective_port
    app.extensions["display_streams"].stop()
    stop_waitress(httpd, thread)


def open_stream(port: int, source: str, cookie: str = "") -> tuple[int, socket.socket]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))
    extra = f"Cookie: {cookie}\r\n" if cookie else ""
    sock.sendall(f"GET /display/events HTTP/1.1\r\nHost: edge\r\n{extra}\r\n".encode())
    head = b""
    while b"\r\n" not in head:
        head += sock.recv(200)
    return int(head.split()[1]), sock


def wait_until(predicate, seconds: float = 3.0) -> float:
    start = time.monotonic()
    while not predicate():
        assert time.monotonic() - start < seconds, "timed out"
        time.sleep(0.02)
    return time.monotonic() - start


def test_strangers_fill_only_their_share_and_the_board_still_gets_in(app, server):
    hub = app.extensions["display_streams"]
    assert hub.max_streams == 8 and hub.reserved == 2 and hub.per_client == 2
    held = []
    one_address = [open_stream(server, "127.0.0.2") for _ in range(3)]
    assert [status for status, _ in one_address] == [200, 200, 503]  # two per address
    held += [s for _, s in one_address]
    others = [open_stream(server, f"127.0.0.{n}") for n in (3, 3, 4, 4, 5)]
    assert [status for status, _ in others] == [200, 200, 200, 200, 503]  # six for all strangers together
    held += [s for _, s in others]
    assert hub.open_streams == 6
    status, board = open_stream(server, "127.0.0.1")  # the TV on the edge's own HDMI port
    assert status == 200
    held.append(board)
    for sock in held:
        sock.close()
    took = wait_until(lambda: hub.open_streams == 0)
    assert took < 10.0  # within a few polls (0.05 s), not at the next heartbeat (60 s here)
    print(f"board stream slots free {took:.2f} s after the clients left")


def test_a_paired_display_is_the_board_from_any_address(app, server, client):
    hub = app.extensions["display_streams"]
    with app.app_context():
        code = create_pairing_code(app.extensions["clock"].utcnow(), 10, kind="display")
    paired = client.get(f"/display?pair={code}", environ_base={"REMOTE_ADDR": "192.168.1.50"})
    assert paired.status_code == 302
    token = paired.headers["Set-Cookie"].split(";")[0]
    assert token.startswith("anjungan_board=") and "HttpOnly" in paired.headers["Set-Cookie"]
    strangers = [open_stream(server, f"127.0.0.{n}") for n in (2, 2, 3, 3, 4, 4)]
    assert all(status == 200 for status, _ in strangers) and hub.open_streams == 6
    refused, late = open_stream(server, "127.0.0.9")
    assert refused == 503
    status, board = open_stream(server, "127.0.0.9", cookie=token)
    assert status == 200
    for _, sock in [*strangers, (0, late), (0, board)]:
        sock.close()
    wait_until(lambda: hub.open_streams == 0)


def test_a_kiosk_code_or_a_wrong_code_does_not_make_a_board(app, client):
    with app.app_context():
        code = create_pairing_code(app.extensions["clock"].utcnow(), 10, kind="kiosk")
    assert client.get(f"/display?pair={code}").status_code == 403
    assert client.get("/display?pair=000000").status_code == 403
    assert "anjungan_board" not in client.get("/display?pair=000001").headers.get("Set-Cookie", "")


def test_a_revoked_display_is_a_stranger_again(app, client):
    from edge_server.devices import revoke
    from edge_server.display.views import is_board
    from edge_server.models import Device

    with app.app_context():
        code = create_pairing_code(app.extensions["clock"].utcnow(), 10, kind="display")
    token = client.get(f"/display?pair={code}").headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    with app.test_request_context("/display/events", environ_base={"REMOTE_ADDR": "10.0.0.5"},
                                  headers={"Cookie": f"anjungan_board={token}"}):
        assert is_board()
        revoke(Device.get(Device.kind == "display").id, app.extensions["clock"].utcnow())
        assert not is_board()


def test_under_gunicorn_a_hang_up_is_seen_on_the_socket_without_reading():
    from edge_server.display.stream import peer_gone

    ours, theirs = socket.socketpair()
    gone = peer_gone({"gunicorn.socket": ours})
    assert gone() is False
    theirs.sendall(b"x")  # a byte waiting is not a hang-up
    assert gone() is False
    theirs.close()
    assert gone() is True
    ours.close()
    assert peer_gone({}) is None  # a server that cannot tell: frequent heartbeat writes find it
