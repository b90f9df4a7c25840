"""Network printers (raw TCP, usually port 9100): ``tcp://HOST:9100``."""

from __future__ import annotations

import select
import socket

from drivers.printer.errors import PrinterNotFound, PrinterOffline, PrinterTimeout
from drivers.printer.transport import Transport


class NetworkTransport(Transport):
    # One connection per job: many network printers serve one client at a time, and the edge server's
    # counter printer may be shared.
    persistent = False

    def __init__(self, host: str, port: int = 9100, *, timeout: float = 5.0) -> None:
        super().__init__(timeout=timeout)
        self.host, self.port = host, port
        self._sock: socket.socket | None = None

    @property
    def description(self) -> str:
        return f"tcp {self.host}:{self.port}"

    @property
    def is_open(self) -> bool:
        return self._sock is not None

    def open(self) -> None:
        if self._sock is not None:
            return
        try:
            self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except socket.gaierror as exc:
            raise PrinterNotFound(f"alamat printer tidak dikenal / unknown host {self.host}: {exc}") from exc
        except TimeoutError as exc:
            raise PrinterTimeout(f"{self.description}: tidak menjawab / connect timed out") from exc
        except OSError as exc:
            raise PrinterOffline(f"{self.description}: tidak bisa dihubungi / unreachable ({exc})") from exc

    def write(self, data: bytes) -> None:
        assert self._sock is not None, "open() first"
        try:
            self._sock.settimeout(self.timeout)
            self._sock.sendall(data)
        except TimeoutError as exc:
            self.close()
            raise PrinterTimeout(f"{self.description}: printer tidak menerima data / send timed out") from exc
        except OSError as exc:
            self.close()
            raise PrinterOffline(f"{self.description}: sambungan terputus / connection lost ({exc})") from exc

    def read(self, size: int, timeout: float) -> bytes:
        assert self._sock is not None, "open() first"
        try:
            ready, _, _ = select.select([self._sock], [], [], max(0.0, timeout))
            if not ready:
                return b""
            return self._sock.recv(size)
        except OSError:
            return b""

    def discard_input(self) -> None:
        if self._sock is None:
            return
        while True:
            ready, _, _ = select.select([self._sock], [], [], 0)
            if not ready:
                return
            try:
                if not self._sock.recv(4096):
                    return
            except OSError:
                return

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass  # the peer already closed
            self._sock.close()
            self._sock = None
