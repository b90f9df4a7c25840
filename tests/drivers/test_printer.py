"""Printers on real transports: a pty for serial, a TCP listener on 127.0.0.1, a plain file; USB mocked."""

from __future__ import annotations

import errno
import sys
import time
import types

import pytest

from drivers.printer import (
    PaperOut,
    PrinterNotFound,
    PrinterOffline,
    PrinterPermissionDenied,
    PrinterTimeout,
    PrinterUrlError,
    open_printer,
    parse_printer_url,
)
from drivers.samples import SAMPLE_TRACK_URL, sample_receipt
from drivers.virtual import decode_escpos

from .fakes import PtyPrinter, TcpPrinter, strip_status_queries

OK, NEAR_END, PAPER_OUT_BYTE, OFFLINE = b"\x12", b"\x1e", b"\x72", b"\x1a"


def assert_queue_ticket(data: bytes, *, native_qr: bool) -> None:
    data = strip_status_queries(data)
    assert data.startswith(b"\x1b@")
    (receipt,) = decode_escpos(data)
    big = receipt.find_line("A-012")
    assert big is not None and big.width_mult >= 4
    assert "NOMOR ANTRIAN" in receipt.text and "DESA MOJOWARNO" in receipt.text
    if native_qr:
        assert receipt.qr_payloads == [SAMPLE_TRACK_URL]
    else:
        assert len(receipt.images) == 1


# --- serial through a pseudo-terminal ---------------------------------------------------------------------


def test_serial_print_reaches_the_far_end_of_the_line():
    with PtyPrinter() as far_end:
        with open_printer(far_end.url(19200, profile="TM-T20II")) as printer:
            printer.print(sample_receipt("queue"))
        assert_queue_ticket(far_end.wait_quiet(), native_qr=True)


def test_serial_58mm_raster_qr_at_9600_baud():
    with PtyPrinter(printer=None, paper=None) as far_end:  # a printer that never answers
        with open_printer(far_end.url(9600, width="58")) as printer:
            assert printer.status().to_json() == {"online": True, "paper": "unknown"}
            printer.print(sample_receipt("queue"))  # unknown still prints
        assert_queue_ticket(far_end.wait_quiet(), native_qr=False)


@pytest.mark.parametrize(
    ("printer_byte", "paper_byte", "expected"),
    [
        (OK, OK, {"online": True, "paper": "ok"}),
        (OK, NEAR_END, {"online": True, "paper": "low"}),
        (OFFLINE, PAPER_OUT_BYTE, {"online": False, "paper": "out"}),
        (None, None, {"online": True, "paper": "unknown"}),  # no reply
        (b"\xff", b"\x00", {"online": True, "paper": "unknown"}),  # garbage
        (OK, b"\x80", {"online": True, "paper": "unknown"}),  # a paper byte with the wrong fixed bits
    ],
)
def test_serial_status_from_scripted_replies(printer_byte, paper_byte, expected):
    with (
        PtyPrinter(printer=printer_byte, paper=paper_byte) as far_end,
        open_printer(far_end.url()) as printer,
    ):
        assert printer.status().to_json() == expected


def test_serial_paper_out_sends_nothing_but_the_question():
    with PtyPrinter(printer=OFFLINE, paper=PAPER_OUT_BYTE) as far_end:
        with open_printer(far_end.url()) as printer, pytest.raises(PaperOut):
            printer.print(sample_receipt("queue"))
        assert far_end.wait_quiet() == b"\x10\x04\x01\x10\x04\x04"


def test_missing_serial_port_is_not_found_and_status_says_offline():
    printer = open_printer("serial:///dev/ttyNOPE0?baudrate=9600")
    with pytest.raises(PrinterNotFound):
        printer.print(sample_receipt("queue"))
    assert printer.status().to_json() == {"online": False, "paper": "unknown"}


# --- network printer on a TCP listener ------------------------------------------------------------------


def test_tcp_print_decodes_to_the_queue_ticket():
    with TcpPrinter() as listener:
        printer = open_printer(listener.url)
        assert printer.profile.width_mm == 80  # network printers default to 80 mm
        printer.print(sample_receipt("queue"))
        assert_queue_ticket(listener.wait_quiet(), native_qr=True)
        assert not printer.transport.is_open  # one connection per job


@pytest.mark.parametrize(
    ("printer_byte", "paper_byte", "expected"),
    [
        (OK, OK, {"online": True, "paper": "ok"}),
        (OK, NEAR_END, {"online": True, "paper": "low"}),
        (OK, PAPER_OUT_BYTE, {"online": True, "paper": "out"}),
        (None, None, {"online": True, "paper": "unknown"}),
        (b"garbage", b"", {"online": True, "paper": "unknown"}),
    ],
)
def test_tcp_status_from_scripted_replies(printer_byte, paper_byte, expected):
    with (
        TcpPrinter(printer=printer_byte, paper=paper_byte) as listener,
        open_printer(listener.url) as printer,
    ):
        assert printer.status().to_json() == expected


def test_tcp_offline_printer_refuses_before_sending():
    with TcpPrinter(printer=OFFLINE, paper=OK) as listener:
        with pytest.raises(PrinterOffline):
            open_printer(listener.url).print(sample_receipt("queue"))
        assert listener.wait_quiet() == b"\x10\x04\x01\x10\x04\x04"


def test_tcp_nothing_listening():
    with TcpPrinter() as listener:
        url = listener.url
    printer = open_printer(url, timeout=1)
    with pytest.raises(PrinterOffline):
        printer.print(sample_receipt("queue"))
    assert printer.status().online is False


# --- file and usb -----------------------------------------------------------------------------------------


def test_file_printer_appends_receipts(tmp_path):
    target = tmp_path / "lp0"
    target.write_bytes(b"")
    with open_printer(f"file://{target}?profile=TM-T20II") as printer:
        assert printer.status().paper == "unknown"  # a plain file never answers
        printer.print(sample_receipt("queue"))
        printer.print(sample_receipt("queue"))
    data = target.read_bytes().replace(b"\x10\x04\x01\x10\x04\x04", b"")
    assert [r.find_line("A-012") is not None for r in decode_escpos(data)] == [True, True]


def test_file_printer_errors(tmp_path):
    with pytest.raises(PrinterNotFound):
        open_printer(f"file://{tmp_path}/missing").open()
    locked = tmp_path / "locked"
    locked.write_bytes(b"")
    locked.chmod(0)
    if not _is_root():
        with pytest.raises(PrinterPermissionDenied):
            open_printer(f"file://{locked}").open()


def _is_root() -> bool:
    import os

    return os.geteuid() == 0


class _FakeUsbError(Exception):
    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.errno = code


@pytest.fixture
def fake_usb(monkeypatch):
    """pyusb with no bus behind it: tests script what ``find`` and the endpoints do."""
    core = types.SimpleNamespace(
        USBError=_FakeUsbError,
        USBTimeoutError=type("T", (_FakeUsbError,), {}),
        NoBackendError=type("N", (Exception,), {}),
        find=lambda **kw: None,
    )
    util = types.SimpleNamespace(
        ENDPOINT_OUT=0,
        ENDPOINT_IN=0x80,
        ENDPOINT_TYPE_BULK=2,
        endpoint_direction=lambda a: a & 0x80,
        endpoint_type=lambda a: a & 3,
        claim_interface=lambda d, n: None,
        release_interface=lambda d, n: None,
        dispose_resources=lambda d: None,
    )

    def find_descriptor(intf, custom_match):
        return next((e for e in intf.endpoints if custom_match(e)), None)

    util.find_descriptor = find_descriptor
    usb = types.ModuleType("usb")
    usb.core, usb.util = core, util
    monkeypatch.setitem(sys.modules, "usb", usb)
    monkeypatch.setitem(sys.modules, "usb.core", core)
    monkeypatch.setitem(sys.modules, "usb.util", util)
    return usb


class _Endpoint:
    def __init__(self, address: int, write_error: Exception | None = None) -> None:
        self.bEndpointAddress, self.bmAttributes, self.wMaxPacketSize = address, 2, 64
        self.written, self.write_error, self.timeouts = bytearray(), write_error, []

    def write(self, data: bytes, timeout: int) -> int:
        self.timeouts.append(timeout)
        if self.write_error:
            raise self.write_error
        self.written += data
        return len(data)

    def read(self, size: int, timeout: int) -> bytes:
        raise _FakeUsbError("timeout", errno.ETIMEDOUT)


class _Device:
    def __init__(self, out: _Endpoint) -> None:
        intf = types.SimpleNamespace(bInterfaceNumber=0, endpoints=[out, _Endpoint(0x82)])
        intf.__iter__ = lambda: iter(intf.endpoints)
        self._config = [intf]
        self.detached = False

    def get_active_configuration(self):
        return self._config

    def is_kernel_driver_active(self, n):
        return not self.detached

    def detach_kernel_driver(self, n):
        self.detached = True


def test_usb_not_found_and_bad_ids(fake_usb):
    with pytest.raises(PrinterNotFound, match="0416:5011"):
        open_printer("usb://0416:5011").open()
    with pytest.raises(PrinterUrlError):
        open_printer("usb://printer")


def test_usb_print_detaches_usblp_and_bounds_the_transfer(fake_usb):
    out = _Endpoint(0x01)
    device = _Device(out)
    fake_usb.core.find = lambda **kw: device if kw == {"idVendor": 0x0416, "idProduct": 0x5011} else None
    with open_printer("usb://0416:5011?profile=POS-5890", timeout=2.5) as printer:
        assert printer.status().to_json() == {"online": True, "paper": "unknown"}
        printer.print(sample_receipt("queue"))
    assert device.detached
    assert set(out.timeouts) == {2500}
    assert_queue_ticket(bytes(out.written), native_qr=False)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_FakeUsbError("Access denied", errno.EACCES), PrinterPermissionDenied),
        (_FakeUsbError("Operation timed out", errno.ETIMEDOUT), PrinterTimeout),
        (_FakeUsbError("No such device", errno.ENODEV), PrinterOffline),
    ],
)
def test_usb_errors_have_their_own_type(fake_usb, error, expected):
    device = _Device(_Endpoint(0x01, write_error=error))
    fake_usb.core.find = lambda **kw: device
    printer = open_printer("usb://0416:5011")
    with pytest.raises(expected) as caught:
        printer.print_raw(b"\x1b@hello\n")
    if expected is PrinterPermissionDenied:
        assert 'ATTRS{idVendor}=="0416"' in str(caught.value) and "udev" in str(caught.value)


# --- URLs ---------------------------------------------------------------------------------------------


def test_urls_and_profiles():
    assert parse_printer_url("tcp://10.0.0.5").port == 9100
    assert parse_printer_url("virtual://demo-data/receipts").target == "demo-data/receipts"
    assert open_printer("serial:///dev/ttyUSB0?baudrate=19200&profile=TM-T88V").profile.columns == 42
    assert open_printer("file:///dev/usb/lp0").profile.width_mm == 58
    assert open_printer("file:///dev/usb/lp0", profile="80mm").profile.width_mm == 80
    for bad in (
        "lpt://x",
        "no-scheme",
        "tcp://",
        "usb://zz:1",
        "virtual://x?width=70",
        "serial:///dev/ttyS0?profile=NoSuchPrinter",
        "serial:///dev/ttyS0?baudrate=fast",
    ):
        with pytest.raises(PrinterUrlError):
            open_printer(bad)


def test_status_is_bounded_in_time_for_a_silent_printer():
    with TcpPrinter(printer=None, paper=None) as listener:
        start = time.monotonic()
        assert open_printer(listener.url).status().paper == "unknown"
        assert time.monotonic() - start < 2


@pytest.mark.parametrize("url,transport", [
    ("usb://0416:5011", "UsbTransport"), ("serial:///dev/ttyUSB9?baudrate=19200", "SerialTransport"),
    ("tcp://127.0.0.1:9", "NetworkTransport"), ("file:///dev/usb/lp9", "FileTransport"),
    ("virtual:///tmp/never-written", "VirtualTransport")])
def test_each_scheme_opens_its_own_transport(url, transport):
    """One table maps schemes to transports: no scheme silently becomes a virtual printer."""
    from drivers.printer import open_printer
    from drivers.printer.schemes import SCHEMES

    assert url.split(":")[0] in SCHEMES
    assert type(open_printer(url).transport).__name__ == transport
