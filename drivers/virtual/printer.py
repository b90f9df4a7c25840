"""``virtual://DIR``: a printer that renders each receipt to ``DIR/<n>.txt`` and ``DIR/<n>.png``.

It behaves like a real transport (the :class:`Printer` above it cannot tell): it answers DLE EOT status
queries, takes ESC/POS bytes and "prints" them at the end of each job. Faults are scripted from the URL:
``?paper=out|low|unknown`` (``unknown``: never answers a status query, like many cheap printers),
``?offline=1``, ``?delay=2.5`` (seconds per print job; past the timeout it times out).
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

from drivers.printer.errors import (
    PaperOut,
    PrinterNotFound,
    PrinterOffline,
    PrinterPermissionDenied,
    PrinterTimeout,
)
from drivers.printer.status import PAPER_OUT, PAPER_UNKNOWN, reply_bytes
from drivers.printer.transport import Transport
from drivers.profiles import PrinterProfile
from drivers.virtual.decoder import DecodedReceipt, decode_escpos
from drivers.virtual.render import render_png, render_text

_STATUS_QUERY = re.compile(rb"(?:\x10\x04[\x01-\x04])+")


class VirtualTransport(Transport):
    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        profile: PrinterProfile,
        paper: str = "ok",
        offline: bool = False,
        delay: float = 0.0,
        timeout: float = 5.0,
    ) -> None:
        super().__init__(timeout=timeout)
        self.directory = Path(directory)
        self.profile = profile
        self.paper, self.offline, self.delay = paper, offline, max(0.0, delay)
        self.rendered: list[Path] = []  # .txt paths written by this transport, in order
        self._open = False
        self._pending = bytearray()
        self._replies = bytearray()
        self._lock = threading.Lock()

    @property
    def description(self) -> str:
        return f"virtual {self.directory}"

    @property
    def is_open(self) -> bool:
        return self._open

    def open(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except PermissionError as exc:
            raise PrinterPermissionDenied(
                f"{self.directory}: folder tidak bisa ditulis / not writable"
            ) from exc
        except OSError as exc:
            raise PrinterNotFound(f"{self.directory}: {exc}") from exc
        self._open = True

    def write(self, data: bytes) -> None:
        if not self._open:
            raise PrinterOffline(f"{self.description}: not open")
        if _STATUS_QUERY.fullmatch(data):
            if self.paper != PAPER_UNKNOWN:
                # Like Epson printers, an empty roll also takes the printer offline.
                online, paper_byte = reply_bytes(
                    online=not self.offline and self.paper != PAPER_OUT, paper=self.paper
                )
                for i in range(2, len(data), 3):
                    self._replies.append(online if data[i] in (1, 2) else paper_byte)
            return
        if self.offline:
            raise PrinterOffline(f"{self.description}: printer offline")
        if self.paper == PAPER_OUT:
            raise PaperOut(f"{self.description}: kertas habis / paper out")
        if self.delay:
            time.sleep(min(self.delay, self.timeout))
            if self.delay > self.timeout:
                raise PrinterTimeout(f"{self.description}: printer tidak menerima data / write timed out")
        self._pending += data

    def read(self, size: int, timeout: float) -> bytes:
        if not self._replies:
            time.sleep(max(0.0, timeout))
            return b""
        out = bytes(self._replies[:size])
        del self._replies[:size]
        return out

    def discard_input(self) -> None:
        self._replies.clear()

    def end_job(self) -> None:
        if not self._pending:
            return
        data, self._pending = bytes(self._pending), bytearray()
        for receipt in decode_escpos(data):
            if receipt.has_content:
                self.rendered.append(self._save(receipt))

    def _save(self, receipt: DecodedReceipt) -> Path:
        with self._lock:
            number = 1 + max(
                (int(p.stem) for p in self.directory.glob("*.txt") if p.stem.isdigit()), default=0
            )
            while True:
                txt = self.directory / f"{number}.txt"
                try:
                    fd = os.open(txt, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                except FileExistsError:  # another process took this number
                    number += 1
                    continue
                break
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(render_text(receipt, self.profile.columns))
        render_png(receipt, self.profile.dots).save(self.directory / f"{number}.png")
        return txt

    def close(self) -> None:
        self.end_job()
        self._open = False
