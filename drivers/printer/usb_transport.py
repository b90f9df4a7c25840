"""USB printers through pyusb: ``usb://VID:PID``.

Unlike python-escpos's ``Usb`` (no timeout by default, fixed endpoints 0x01/0x82), this finds the bulk
endpoints from the descriptors and bounds every transfer.
"""

from __future__ import annotations

import errno
from typing import Any

from drivers.printer.errors import (
    PrinterNotFound,
    PrinterOffline,
    PrinterPermissionDenied,
    PrinterTimeout,
    udev_hint,
)
from drivers.printer.transport import Transport


def _usb() -> Any:
    try:
        import usb.core
        import usb.util
    except ImportError as exc:  # pyusb is a declared dependency, but say so plainly if it is missing
        raise PrinterNotFound("pyusb tidak terpasang / pyusb is not installed (pip install pyusb)") from exc
    return usb


class UsbTransport(Transport):
    def __init__(self, vid: int, pid: int, *, timeout: float = 5.0) -> None:
        super().__init__(timeout=timeout)
        self.vid, self.pid = vid, pid
        self._dev: Any = None
        self._out: Any = None
        self._in: Any = None
        self._interface: int | None = None

    @property
    def description(self) -> str:
        return f"usb {self.vid:04x}:{self.pid:04x}"

    @property
    def is_open(self) -> bool:
        return self._dev is not None

    def _fail(self, exc: Exception) -> Exception:
        usb = _usb()
        code = getattr(exc, "errno", None)
        if isinstance(exc, usb.core.USBTimeoutError) or code == errno.ETIMEDOUT:
            return PrinterTimeout(f"{self.description}: printer tidak menerima data / transfer timed out")
        if code in (errno.EACCES, errno.EPERM):
            return PrinterPermissionDenied(f"{self.description}: {udev_hint(self.vid, self.pid)}")
        if code in (errno.ENODEV, errno.ENOENT):
            return PrinterOffline(f"{self.description}: printer dicabut / unplugged")
        if code == errno.EBUSY:
            return PrinterOffline(f"{self.description}: dipakai program lain / busy (is CUPS holding it?)")
        return PrinterOffline(f"{self.description}: {exc}")

    def open(self) -> None:
        if self._dev is not None:
            return
        usb = _usb()
        try:
            dev = usb.core.find(idVendor=self.vid, idProduct=self.pid)
        except usb.core.NoBackendError as exc:
            raise PrinterNotFound(
                "libusb tidak ada / libusb missing: sudo apt-get install libusb-1.0-0"
            ) from exc
        if dev is None:
            raise PrinterNotFound(
                f"printer USB {self.vid:04x}:{self.pid:04x} tidak ditemukan / not found: "
                "periksa kabel dan daya / check cable and power (lsusb)"
            )
        try:
            try:
                config = dev.get_active_configuration()
            except usb.core.USBError:
                dev.set_configuration()
                config = dev.get_active_configuration()
            for intf in config:
                out_ep = usb.util.find_descriptor(
                    intf, custom_match=lambda e: _is_bulk(usb, e, usb.util.ENDPOINT_OUT)
                )
                if out_ep is None:
                    continue
                number = intf.bInterfaceNumber
                try:
                    if dev.is_kernel_driver_active(number):
                        dev.detach_kernel_driver(number)  # usblp holds printer-class devices
                except NotImplementedError:
                    pass  # backends other than libusb1 cannot tell; claiming will say if it is busy
                usb.util.claim_interface(dev, number)
                self._in = usb.util.find_descriptor(
                    intf, custom_match=lambda e: _is_bulk(usb, e, usb.util.ENDPOINT_IN)
                )
                self._dev, self._out, self._interface = dev, out_ep, number
                return
        except usb.core.USBError as exc:
            usb.util.dispose_resources(dev)
            raise self._fail(exc) from exc
        raise PrinterNotFound(f"{self.description}: tidak ada endpoint cetak / no bulk OUT endpoint")

    def write(self, data: bytes) -> None:
        assert self._out is not None, "open() first"
        usb = _usb()
        try:
            self._out.write(data, timeout=int(self.timeout * 1000))
        except usb.core.USBError as exc:
            self.close()
            raise self._fail(exc) from exc

    def read(self, size: int, timeout: float) -> bytes:
        assert self._dev is not None, "open() first"
        if self._in is None:
            return b""
        usb = _usb()
        try:
            return bytes(
                self._in.read(max(size, self._in.wMaxPacketSize), timeout=max(1, int(timeout * 1000)))
            )[:size]
        except usb.core.USBError:
            return b""  # no reply within the timeout: status stays unknown

    def close(self) -> None:
        if self._dev is None:
            return
        usb = _usb()
        try:
            if self._interface is not None:
                usb.util.release_interface(self._dev, self._interface)
        except usb.core.USBError:
            pass  # unplugged: nothing to release
        usb.util.dispose_resources(self._dev)
        self._dev = self._out = self._in = self._interface = None


def _is_bulk(usb: Any, endpoint: Any, direction: int) -> bool:
    return (
        usb.util.endpoint_direction(endpoint.bEndpointAddress) == direction
        and usb.util.endpoint_type(endpoint.bmAttributes) == usb.util.ENDPOINT_TYPE_BULK
    )
