"""Real endpoints for printer tests: a TCP printer on 127.0.0.1 and a printer at the far end of a pty.

Both record every byte they receive and answer DLE EOT status queries with scripted bytes (or not at all),
like a real printer would.
"""

from __future__ import annotations

import os
import select
import socket
import threading
import time
import tty
from typing import Self

STATUS_QUERY_PRINTER = b"\x10\x04\x01"
STATUS_QUERY_PAPER = b"\x10\x04\x04"


class _Replies:
    """Answers for DLE EOT 1 and 4 (``None``: stay silent)."""

    def __init__(self, printer: bytes | None = b"\x12", paper: bytes | None = b"\x12") -> None:
        self.printer, self.paper = printer, paper

    def answer(self, chunk: bytes) -> bytes:
        out = b""
        for i in range(len(chunk) - 2):
            if chunk[i : i + 3] == STATUS_QUERY_PRINTER and self.printer is not None:
                out += self.printer
            elif chunk[i : i + 3] == STATUS_QUERY_PAPER and self.paper is not None:
                out += self.paper
        return out


class TcpPrinter:
    """A raw-TCP (port 9100 style) printer on a free port of 127.0.0.1."""

    def __init__(self, printer: bytes | None = b"\x12", paper: bytes | None = b"\x12") -> None:
        self.replies = _Replies(printer, paper)
        self.received = bytearray()
        self.connections = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._server.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.close()
        self._thread.join(2)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            with conn:
                conn.settimeout(0.1)
                while not self._stop.is_set():
                    try:
                        chunk = conn.recv(65536)
                    except TimeoutError:
                        continue
                    except OSError:
                        break
                    if not chunk:
                        break
                    self.received += chunk
                    answer = self.replies.answer(chunk)
                    if answer:
                        conn.sendall(answer)

    def wait_for(self, size: int, timeout: float = 5.0) -> bytes:
        deadline = time.monotonic() + timeout
        while len(self.received) < size and time.monotonic() < deadline:
            time.sleep(0.01)
        return bytes(self.received)

    def wait_quiet(self, quiet: float = 0.3, timeout: float = 5.0) -> bytes:
        """The bytes received once nothing new has arrived for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        last, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            if len(self.received) != last:
                last, since = len(self.received), time.monotonic()
            elif time.monotonic() - since >= quiet and last > 0:
                break
            time.sleep(0.02)
        return bytes(self.received)


class PtyPrinter:
    """A serial printer: pyserial opens ``path`` (the pty's slave end); this object plays the printer on the
    master end, recording bytes and answering status queries."""

    def __init__(self, printer: bytes | None = b"\x12", paper: bytes | None = b"\x12") -> None:
        self.replies = _Replies(printer, paper)
        self.master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self.received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def url(self, baudrate: int = 9600, **params: str) -> str:
        extra = "".join(f"&{k}={v}" for k, v in params.items())
        return f"serial://{self.path}?baudrate={baudrate}{extra}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)
        os.close(self.master)
        os.close(self._slave)

    def _serve(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                continue
            self.received += chunk
            answer = self.replies.answer(chunk)
            if answer:
                os.write(self.master, answer)

    def wait_quiet(self, quiet: float = 0.3, timeout: float = 5.0) -> bytes:
        deadline = time.monotonic() + timeout
        last, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            if len(self.received) != last:
                last, since = len(self.received), time.monotonic()
            elif time.monotonic() - since >= quiet and last > 0:
                break
            time.sleep(0.02)
        return bytes(self.received)


def strip_status_queries(data: bytes) -> bytes:
    """The print data alone, without the DLE EOT queries sent before it."""
    while data[:3] in (STATUS_QUERY_PRINTER, STATUS_QUERY_PAPER):
        data = data[3:]
    return data
