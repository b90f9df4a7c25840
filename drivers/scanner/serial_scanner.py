"""Serial scanners through pyserial: ``serial:///dev/ttyACM0?baudrate=9600&terminator=cr|lf|crlf|none``."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import serial

from drivers.scanner.base import RECONNECT_SECONDS, Scanner, ScannerSpecError

log = logging.getLogger(__name__)

TERMINATORS = {"cr": b"\r", "lf": b"\n", "crlf": b"\r\n", "auto": None, "none": None}
MAX_SCAN = 4096


class SerialScanner(Scanner):
    """Reads scans ended by ``terminator`` (``auto``: CR, LF or CR LF; ``none``: a pause of ``idle`` seconds
    ends a scan, for scanners configured without a suffix). Reconnects when the port comes back."""

    def __init__(
        self,
        port: str,
        on_scan: Callable[[str], None],
        *,
        baudrate: int = 9600,
        terminator: str = "auto",
        timeout: float = 0.2,
        idle: float = 0.3,
        stale_after: float = 2.0,
    ) -> None:
        super().__init__(on_scan)
        if terminator not in TERMINATORS:
            raise ScannerSpecError(f"terminator={terminator!r}: use cr, lf, crlf, auto or none")
        self.port, self.baudrate, self.terminator = port, baudrate, terminator
        self.timeout, self.idle, self.stale_after = timeout, idle, stale_after
        self._buffer = bytearray()
        self._last_byte = 0.0

    def _split(self) -> list[bytes]:
        """Finished scans from the buffer; the unfinished rest stays."""
        sep = TERMINATORS[self.terminator]
        scans: list[bytes] = []
        if sep is None and self.terminator == "auto":
            while True:
                cut = min(
                    (i for i in (self._buffer.find(b"\r"), self._buffer.find(b"\n")) if i >= 0), default=-1
                )
                if cut < 0:
                    break
                scans.append(bytes(self._buffer[:cut]))
                del self._buffer[: cut + 1]
        elif sep is not None:
            while (cut := self._buffer.find(sep)) >= 0:
                scans.append(bytes(self._buffer[:cut]))
                del self._buffer[: cut + len(sep)]
        return [s.strip(b"\r\n") for s in scans if s.strip(b"\r\n")]

    def _after_read(self, chunk: bytes) -> None:
        now = time.monotonic()
        if chunk:
            self._buffer += chunk
            self._last_byte = now
            if len(self._buffer) > MAX_SCAN:
                log.warning(
                    "serial scanner %s: %d bytes without a terminator, dropped", self.port, len(self._buffer)
                )
                self._buffer.clear()
            for scan in self._split():
                self._emit(scan.decode("utf-8", errors="replace"))
        elif self._buffer:
            quiet = now - self._last_byte
            if self.terminator == "none" and quiet >= self.idle:
                text = bytes(self._buffer).strip(b"\r\n").decode("utf-8", errors="replace")
                self._buffer.clear()
                self._emit(text)
            elif self.terminator != "none" and quiet >= self.stale_after:
                log.warning(
                    "serial scanner %s: partial scan without terminator %s dropped (check the "
                    "scanner's suffix setting)",
                    self.port,
                    self.terminator,
                )
                self._buffer.clear()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                port = serial.Serial(self.port, self.baudrate, timeout=self.timeout)
            except (serial.SerialException, OSError) as exc:
                self._connected = False
                log.debug("serial scanner %s not available: %s", self.port, exc)
                self._stop.wait(RECONNECT_SECONDS)
                continue
            log.info("serial scanner %s connected", self.port)
            self._connected = True
            self._buffer.clear()
            try:
                while not self._stop.is_set():
                    self._after_read(port.read(port.in_waiting or 1))
            except (serial.SerialException, OSError) as exc:
                log.warning("serial scanner %s lost: %s; reconnecting", self.port, exc)
            finally:
                self._connected = False
                try:
                    port.close()
                except (serial.SerialException, OSError):
                    pass  # the port is already gone
            self._stop.wait(RECONNECT_SECONDS)
