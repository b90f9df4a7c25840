"""The sd_notify helper every service imports: real AF_UNIX datagrams, silent outside systemd."""
from __future__ import annotations

import os
import socket

import pytest

import sdnotify


@pytest.fixture
def notify_socket(tmp_path, monkeypatch):
    path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(5)
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    yield sock
    sock.close()


def test_ready_reaches_systemd(notify_socket):
    assert sdnotify.ready("listening on port 8080")
    assert notify_socket.recv(4096) == b"READY=1\nSTATUS=listening on port 8080"


def test_watchdog_pings_only_while_healthy(notify_socket, monkeypatch):
    monkeypatch.setenv("WATCHDOG_USEC", "100000")  # pings every 0.05 s
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    answers = iter([True, False, False, False])
    sdnotify.start_watchdog(lambda: next(answers, False))
    assert notify_socket.recv(64) == b"WATCHDOG=1"
    notify_socket.settimeout(0.4)
    with pytest.raises(socket.timeout):
        notify_socket.recv(64)


def test_outside_systemd_nothing_is_sent(monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    assert sdnotify.ready() is False
    assert sdnotify.start_watchdog() is None


def test_watchdog_meant_for_another_process_is_ignored():
    assert sdnotify.watchdog_interval({"WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "1"}) is None
    assert sdnotify.watchdog_interval({"WATCHDOG_USEC": "60000000"}) == 30.0


def test_edge_serve_tells_systemd_it_is_ready_and_feeds_the_watchdog(tmp_path):
    """GIVEN `edge_server serve` started as systemd would (NOTIFY_SOCKET, WATCHDOG_USEC)
    THEN it sends READY=1 once listening, and WATCHDOG=1 while its health URL answers."""
    from tests.e2e.conftest import EdgeServerProcess

    path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(20)
    server = EdgeServerProcess(tmp_path / "edge", env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "1000000"})
    try:
        server.start()
        messages = [sock.recv(4096), sock.recv(4096)]
    finally:
        server.stop()
        sock.close()
    assert messages[0].startswith(b"READY=1\nSTATUS=listening on port ")
    assert messages[1] == b"WATCHDOG=1"
