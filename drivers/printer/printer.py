"""A printer: a transport, a profile and the print policy."""

from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import Self

from drivers.printer.errors import PaperOut, PrinterError, PrinterOffline
from drivers.printer.status import PAPER_OUT, STATUS_QUERY, PrinterStatus, parse_status_reply
from drivers.printer.transport import Transport
from drivers.profiles import PrinterProfile
from drivers.receipt.escpos import render_escpos
from drivers.receipt.model import Receipt

log = logging.getLogger(__name__)

SILENT_PRINTER_WAIT = 0.15  # seconds to wait for a reply before a print from a printer that never answers


class Printer:
    """``print(receipt)`` and ``status()`` on one device.

    The device is opened by :meth:`open` or by the first ``print``/``status``, and opened again after a
    failure (a printer switched off and on again just works on the next print). Network printers are
    connected for each job only. Thread-safe: one job at a time.

    Print policy: a status of ``unknown`` still prints; only paper ``out`` or offline stop a print, and they
    raise :class:`PaperOut` / :class:`PrinterOffline` before anything is sent.
    """

    def __init__(
        self,
        transport: Transport,
        profile: PrinterProfile,
        *,
        status_timeout: float = 0.6,
        check_before_print: bool = True,
    ) -> None:
        self.transport = transport
        self.profile = profile
        self.status_timeout = status_timeout
        self.check_before_print = check_before_print
        self._lock = threading.RLock()
        self._silent = False

    def __repr__(self) -> str:
        return f"<Printer {self.transport.description} profile={self.profile.name}>"

    def open(self) -> Self:
        with self._lock:
            self.transport.open()
        return self

    def close(self) -> None:
        with self._lock:
            self.transport.close()

    def __enter__(self) -> Self:
        return self.open()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _after_job(self) -> None:
        self.transport.end_job()
        if not self.transport.persistent:
            self.transport.close()

    def _query(self, *, before_print: bool = False) -> PrinterStatus:
        self.transport.open()
        self.transport.discard_input()
        self.transport.write(STATUS_QUERY)
        # A printer that has never answered will not start now: before a print, do not make the resident
        # wait the full status timeout for it again.
        wait = (
            min(self.status_timeout, SILENT_PRINTER_WAIT)
            if before_print and self._silent
            else self.status_timeout
        )
        reply = self.transport.read_exactly(2, wait)
        self._silent = not reply
        return parse_status_reply(reply)

    def status(self) -> PrinterStatus:
        """Ask the printer (DLE EOT). Never raises for a device fault: an unreachable printer is offline."""
        with self._lock:
            try:
                status = self._query()
            except PrinterError as exc:
                log.info("printer %s: status unavailable: %s", self.transport.description, exc)
                self.transport.close()
                return PrinterStatus(online=False, paper="unknown")
            try:
                self._after_job()
            except PrinterError:
                self.transport.close()
            return status

    def print(self, receipt: Receipt) -> None:
        """Print one receipt. :raises PrinterError: (a subclass saying what went wrong)."""
        self.print_raw(render_escpos(receipt, self.profile))

    def print_raw(self, data: bytes) -> None:
        """Send ready-made ESC/POS bytes under the same policy as :meth:`print`."""
        with self._lock:
            try:
                if self.check_before_print:
                    status = self._query(before_print=True)
                    if status.paper == PAPER_OUT:
                        raise PaperOut(f"{self.transport.description}: kertas habis / paper out")
                    if not status.online:
                        raise PrinterOffline(
                            f"{self.transport.description}: printer offline (tutup terbuka "
                            "atau galat / cover open or error)"
                        )
                self.transport.open()
                self.transport.write(data)
                self._after_job()
            except PrinterError:
                self.transport.close()
                raise
