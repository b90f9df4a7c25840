"""Whole-system fixtures: a real edge server process on 127.0.0.1 (waitress, as `serve` ships it)."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"  # Debian's package, installed by `make setup`; Playwright downloads no browser
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"]
LISTENING = re.compile(r"listening on (http://[\d.]+:\d+)")


class EdgeServerProcess:
    """`python -m edge_server serve --demo` in a subprocess; .url, .demo, .data_dir, .stop(), .start()."""

    def __init__(self, data_dir: Path, env: dict | None = None, port: int = 0, timeout: float = 30.0):
        self.data_dir = Path(data_dir)
        self.port = port
        self.timeout = timeout
        self.env = {**os.environ, "ANJUNGAN_PASSWORD_HASH": "scrypt:1024:8:1",
                    "ANJUNGAN_PIN_HASH": "scrypt:1024:8:1", "PYTHONUNBUFFERED": "1", **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.demo: dict = {}
        self.log: list[str] = []

    def start(self) -> "EdgeServerProcess":
        """Start (or restart on the same port once known) and wait for the `listening on` line."""
        cmd = [sys.executable, "-m", "edge_server", "serve", "--data-dir", str(self.data_dir),
               "--host", "127.0.0.1", "--port", str(self.port), "--demo"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        found = threading.Event()

        def pump(stream):
            for line in stream:
                self.log.append(line)
                match = LISTENING.search(line)
                if match and not found.is_set():
                    self.url = match.group(1)
                    found.set()

        threading.Thread(target=pump, args=(self.proc.stdout,), daemon=True).start()
        deadline = time.monotonic() + self.timeout
        while not found.wait(0.1):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("edge server did not start:\n" + "".join(self.log[-40:]))
        self.port = int(self.url.rsplit(":", 1)[1])
        self.demo = json.loads((self.data_dir / "demo.json").read_text())
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    @property
    def kiosk_headers(self) -> dict:
        return {"Authorization": f"Bearer {self.demo['kiosk_token']}"}

    def staff_user(self, role: str = "operator") -> dict:
        return next(s for s in self.demo["staff"] if s["role"] == role)


@pytest.fixture
def edge_server_process(tmp_path):
    """A fresh demo edge server for one test."""
    server = EdgeServerProcess(tmp_path / "edge").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def shared_edge_server(tmp_path_factory):
    """One demo edge server shared by a module's tests (cheaper; tests must not assume an empty queue)."""
    server = EdgeServerProcess(tmp_path_factory.mktemp("edge")).start()
    yield server
    server.stop()


@pytest.fixture
def browser():
    """Headless Chromium driven by Playwright (the board may play sound without a click)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
