"""systemd: the kiosk unit is Type=notify with WatchdogSec=30. `python -m kiosk` says READY=1 once the home screen
is up and feeds the watchdog from the UI clock, so a frozen UI stops the pings and systemd restarts it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from tests.kiosk.harness import ROOT

pytestmark = pytest.mark.edge


def test_kiosk_says_ready_and_feeds_the_watchdog_from_the_ui_clock(edge, tmp_path):
    path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(30)
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", NOTIFY_SOCKET=path, WATCHDOG_USEC="400000",
               KIVY_HOME=str(tmp_path / "kivy"))
    env.pop("WATCHDOG_PID", None)
    kiosk = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--edge-url", edge.url, "--token", edge.demo["kiosk_token"],
         "--printer", f"virtual://{tmp_path}", "--scanner", "keyboard", "--windowed", "--size", "800x480"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        messages = [sock.recv(4096) for _ in range(3)]
    finally:
        kiosk.terminate()
        kiosk.wait(10)
        sock.close()
    assert messages[0].startswith(b"READY=1\nSTATUS=kiosk ")
    assert messages[1:] == [b"WATCHDOG=1", b"WATCHDOG=1"]  # the first at once, then every 0.1 s from the Clock
