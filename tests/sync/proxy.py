"""A TCP proxy for fault injection between an edge and the district (threads + sockets).

Each connection carries one HTTP request (forwarded with `Connection: close`). Modes:
pass, drop (close at once), reset (RST after reading a little), http500 / http503 (answer that itself),
stall (read the request, never answer until the mode changes), midbody (forward half the body, then RST both ways),
lose_reply (forward, then drop the district's answer), hold (keep the request until `release()`, then forward).
"""
from __future__ import annotations

import socket
import struct
import threading
import time


def _rst(sock: socket.socket) -> None:
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    except OSError:
        pass


def _read_request(sock: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _c, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        body += chunk
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join(lines) + b"\r\nConnection: close\r\n\r\n" + body


class FaultProxy:
    def __init__(self, upstream_port: int):
        self.upstream = ("127.0.0.1", upstream_port)
        self.mode = "pass"
        self.captured: list[bytes] = []  # batch requests that went through in pass mode
        self.holding = threading.Event()
        self._release = threading.Event()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set(self, mode: str) -> None:
        self.mode = mode
        if mode != "hold":
            self._release.set()

    def release(self) -> None:
        self._release.set()

    def close(self) -> None:
        self._stopped = True
        self._release.set()
        self.listener.close()

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _addr = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _forward(self, request: bytes) -> bytes:
        with socket.create_connection(self.upstream, timeout=30) as upstream:
            upstream.sendall(request)
            reply = b""
            while chunk := upstream.recv(65536):
                reply += chunk
        return reply

    def _handle(self, client: socket.socket) -> None:
        mode = self.mode
        client.settimeout(30)
        try:
            if mode == "drop":
                client.close()
                return
            if mode == "reset":
                client.recv(100)
                _rst(client)
                return
            request = _read_request(client)
            if request is None:
                client.close()
                return
            if mode in ("http500", "http503"):
                status = b"500 Internal Server Error" if mode == "http500" else b"503 Service Unavailable"
                client.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                client.close()
            elif mode == "stall":
                deadline = time.monotonic() + 60
                while self.mode == "stall" and time.monotonic() < deadline and not self._stopped:
                    time.sleep(0.05)
                _rst(client)
            elif mode == "midbody":
                with socket.create_connection(self.upstream, timeout=10) as upstream:
                    upstream.sendall(request[: len(request) - max(1, (len(request) - request.index(b"\r\n\r\n")) // 2)])
                    time.sleep(0.05)
                    _rst(upstream)
                _rst(client)
            elif mode == "lose_reply":
                self._forward(request)
                _rst(client)
            elif mode == "hold":
                self._release.clear()
                self.holding.set()
                self._release.wait(60)
                self.holding.clear()
                reply = self._forward(request)
                try:
                    client.sendall(reply)
                finally:
                    client.close()
            else:
                reply = self._forward(request)
                if b"POST /api/v1/sync/batches" in request[:40]:
                    self.captured.append(request)
                client.sendall(reply)
                client.close()
        except OSError:
            _rst(client)
