"""Serial printers through pyserial: ``serial:///dev/ttyUSB0?baudrate=19200``."""

from __future__ import annotations

import errno

import serial

from drivers.printer.errors import (
    PrinterError,
    PrinterNotFound,
    PrinterOffline,
    PrinterPermissionDenied,
    PrinterTimeout,
    udev_hint,
)
from drivers.printer.transport import Transport


class SerialTransport(Transport):
    def __init__(
        self,
        port: str,
        *,
        baudrate: int = 9600,
        timeout: float = 5.0,
        rtscts: bool = False,
        xonxoff: bool = False,
    ) -> None:
        super().__init__(timeout=timeout)
        self.port, self.baudrate, self.rtscts, self.xonxoff = port, baudrate, rtscts, xonxoff
        self._serial: serial.Serial | None = None

    @property
    def description(self) -> str:
        return f"serial {self.port} @ {self.baudrate}"

    @property
    def is_open(self) -> bool:
        return self._serial is not None and self._serial.is_open

    def open(self) -> None:
        if self.is_open:
            return
        try:
            self._serial = serial.Serial(
                self.port,
                self.baudrate,
                timeout=self.timeout,
                write_timeout=self.timeout,
                rtscts=self.rtscts,
                xonxoff=self.xonxoff,
            )
        except serial.SerialException as exc:
            code = exc.errno
            if code in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
                raise PrinterNotFound(f"printer tidak ditemukan / not found: {self.port} ({exc})") from exc
            if code in (errno.EACCES, errno.EPERM):
                raise PrinterPermissionDenied(f"{self.port}: {udev_hint()}") from exc
            if code == errno.EBUSY:
                raise PrinterOffline(f"{self.port} sedang dipakai program lain / busy") from exc
            raise PrinterNotFound(f"printer tidak bisa dibuka / cannot open {self.port}: {exc}") from exc

    def write(self, data: bytes) -> None:
        assert self._serial is not None, "open() first"
        # Serial lines are slow: allow the time the bytes need at this baud rate, plus the timeout.
        self._serial.write_timeout = self.timeout + len(data) * 10 / self.baudrate
        try:
            self._serial.write(data)
            self._serial.flush()
        except serial.SerialTimeoutException as exc:
            self.close()
            raise PrinterTimeout(
                f"{self.description}: printer tidak menerima data / write timed out"
            ) from exc
        except (serial.SerialException, OSError) as exc:
            self.close()
            raise PrinterOffline(f"{self.description}: sambungan terputus / connection lost ({exc})") from exc

    def read(self, size: int, timeout: float) -> bytes:
        assert self._serial is not None, "open() first"
        self._serial.timeout = timeout
        try:
            return self._serial.read(size)
        except (serial.SerialException, OSError) as exc:
            self.close()
            raise PrinterOffline(f"{self.description}: sambungan terputus / connection lost ({exc})") from exc

    def discard_input(self) -> None:
        if self._serial is not None:
            try:
                self._serial.reset_input_buffer()
            except (serial.SerialException, OSError) as exc:
                raise PrinterError(f"{self.description}: {exc}") from exc

    def close(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            except (serial.SerialException, OSError):
                pass  # the port is already gone; nothing left to release
            self._serial = None
