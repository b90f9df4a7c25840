"""Printers behind a device file: ``file:///dev/usb/lp0`` (the kernel's usblp driver) or a plain file."""

from __future__ import annotations

import errno
import os
import select
import time

from drivers.printer.errors import (
    PrinterNotFound,
    PrinterOffline,
    PrinterPermissionDenied,
    PrinterTimeout,
    udev_hint,
)
from drivers.printer.transport import Transport


class FileTransport(Transport):
    def __init__(self, path: str, *, timeout: float = 5.0) -> None:
        super().__init__(timeout=timeout)
        self.path = path
        self._fd: int | None = None

    @property
    def description(self) -> str:
        return f"file {self.path}"

    @property
    def is_open(self) -> bool:
        return self._fd is not None

    def open(self) -> None:
        if self._fd is not None:
            return
        # Non-blocking, so a stuck printer makes a timeout instead of a hung kiosk. Read access lets us ask
        # for status (usblp passes replies through); without it we still print.
        flags = os.O_NONBLOCK | os.O_APPEND | os.O_NOCTTY
        try:
            try:
                self._fd = os.open(self.path, os.O_RDWR | flags)
            except PermissionError:
                self._fd = os.open(self.path, os.O_WRONLY | flags)
        except FileNotFoundError as exc:
            raise PrinterNotFound(f"printer tidak ditemukan / not found: {self.path}") from exc
        except PermissionError as exc:
            raise PrinterPermissionDenied(f"{self.path}: {udev_hint()}") from exc
        except OSError as exc:
            if exc.errno in (errno.ENODEV, errno.ENXIO):
                raise PrinterNotFound(f"printer tidak tersambung / not connected: {self.path}") from exc
            if exc.errno == errno.EBUSY:
                raise PrinterOffline(f"{self.path} sedang dipakai program lain / busy") from exc
            raise PrinterOffline(f"{self.path}: {exc}") from exc

    def write(self, data: bytes) -> None:
        assert self._fd is not None, "open() first"
        deadline = time.monotonic() + self.timeout
        view = memoryview(data)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.close()
                raise PrinterTimeout(f"{self.description}: printer tidak menerima data / write timed out")
            try:
                _, writable, _ = select.select([], [self._fd], [], remaining)
                if not writable:
                    continue
                written = os.write(self._fd, view)
            except BlockingIOError:
                time.sleep(0.01)
                continue
            except OSError as exc:
                self.close()
                raise PrinterOffline(
                    f"{self.description}: sambungan terputus / connection lost ({exc})"
                ) from exc
            view = view[written:]
            deadline = time.monotonic() + self.timeout  # progress: the printer is taking data

    def read(self, size: int, timeout: float) -> bytes:
        assert self._fd is not None, "open() first"
        try:
            ready, _, _ = select.select([self._fd], [], [], max(0.0, timeout))
            return os.read(self._fd, size) if ready else b""
        except OSError:
            return b""  # write-only or a device that cannot answer: status stays unknown

    def close(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass  # already gone with the device
            self._fd = None
