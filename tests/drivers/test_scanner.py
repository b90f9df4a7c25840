"""Scanners: the key-event decoder, serial scanners over a pty, evdev device handling, keyboard scanner."""

from __future__ import annotations

import errno
import os
import queue
import threading
import time
import tty
from types import SimpleNamespace

import pytest
from evdev import InputEvent, ecodes

from drivers.scanner import KeyboardScanner, KeyEventDecoder, ScannerSpecError, open_scanner, text_to_events
from drivers.scanner.evdev_scanner import EvdevScanner, find_device

NIK = "3317094503900001"


def key(code: int, value: int) -> InputEvent:
    return InputEvent(0, 0, ecodes.EV_KEY, code, value)


def decode_all(events) -> list[str]:
    decoder = KeyEventDecoder()
    return [text for text in (decoder.feed(e) for e in events) if text is not None]


# --- key-event decoder ------------------------------------------------------------------------------------


def test_hand_built_events_with_shift_and_noise():
    events = [
        InputEvent(0, 0, ecodes.EV_MSC, ecodes.MSC_SCAN, 0x700E1),  # what real keyboards send first
        key(ecodes.KEY_LEFTSHIFT, 1),
        key(ecodes.KEY_A, 1),
        key(ecodes.KEY_A, 0),
        key(ecodes.KEY_LEFTSHIFT, 0),
        key(ecodes.KEY_1, 1),
        key(ecodes.KEY_1, 2),
        key(ecodes.KEY_1, 2),  # auto-repeat: ignored
        key(ecodes.KEY_1, 0),
        key(ecodes.KEY_F5, 1),
        key(ecodes.KEY_F5, 0),  # a key with no character
        InputEvent(0, 0, ecodes.EV_SYN, ecodes.SYN_REPORT, 0),
        key(ecodes.KEY_RIGHTSHIFT, 1),
        key(ecodes.KEY_SLASH, 1),
        key(ecodes.KEY_RIGHTSHIFT, 0),
        key(ecodes.KEY_ENTER, 1),
        key(ecodes.KEY_ENTER, 0),
    ]
    assert decode_all(events) == ["A1?"]


@pytest.mark.parametrize(
    "text",
    [
        NIK,
        "04A1B2C3",
        'https://x.id/v?nik=3317&n="Siti"',
        '{"nik": "1"}',
        "~!@#$%^&*()_+{}|:<>?`-=[]\\;',./ Zz",
    ],
)
@pytest.mark.parametrize("terminator", ["enter", "kpenter", "tab"])
def test_strings_round_trip_through_key_events(text, terminator):
    assert decode_all(text_to_events(text, terminator=terminator)) == [text]


def test_keypad_digits_and_two_scans_back_to_back():
    events = text_to_events(NIK, keypad_digits=True, terminator="kpenter") + text_to_events("1234567890")
    assert decode_all(events) == [NIK, "1234567890"]
    assert ecodes.KEY_KP3 in {e.code for e in events}


def test_no_terminator_means_no_scan_yet_and_empty_enter_is_nothing():
    decoder = KeyEventDecoder()
    assert [decoder.feed(e) for e in text_to_events("123", terminator="none")] == [None] * 12
    assert decoder.pending == "123"
    assert decode_all(text_to_events("", terminator="enter")) == []


def test_caps_lock_and_backspace():
    events = [
        key(ecodes.KEY_CAPSLOCK, 1),
        key(ecodes.KEY_CAPSLOCK, 0),
        key(ecodes.KEY_B, 1),
        key(ecodes.KEY_LEFTSHIFT, 1),
        key(ecodes.KEY_C, 1),
        key(ecodes.KEY_LEFTSHIFT, 0),
        key(ecodes.KEY_X, 1),
        key(ecodes.KEY_BACKSPACE, 1),
        key(ecodes.KEY_ENTER, 1),
    ]
    assert decode_all(events) == ["Bc"]


def test_shift_release_is_tracked_per_key():
    events = [
        key(ecodes.KEY_LEFTSHIFT, 1),
        key(ecodes.KEY_RIGHTSHIFT, 1),
        key(ecodes.KEY_LEFTSHIFT, 0),
        key(ecodes.KEY_A, 1),
        key(ecodes.KEY_RIGHTSHIFT, 0),
        key(ecodes.KEY_A, 1),
        key(ecodes.KEY_TAB, 1),
    ]
    assert decode_all(events) == ["Aa"]


def test_a_stuck_device_cannot_grow_the_buffer_forever():
    decoder = KeyEventDecoder()
    for _ in range(10_000):
        decoder.feed(key(ecodes.KEY_7, 1))
    assert len(decoder.pending) == 4096


# --- keyboard scanner ------------------------------------------------------------


def test_keyboard_scanner_delivers_lines_from_its_own_thread():
    got: queue.Queue[tuple[str, int]] = queue.Queue()
    scanner = open_scanner("keyboard", lambda text: got.put((text, threading.get_ident())))
    assert isinstance(scanner, KeyboardScanner)
    scanner.start()
    try:
        scanner.feed_text("3317")
        scanner.feed_text("094503900001\r\n")
        scanner.feed_text("\n\r0012345678\rrest")
        first, second = got.get(timeout=2), got.get(timeout=2)
        assert [first[0], second[0]] == [NIK, "0012345678"]
        assert first[1] != threading.get_ident()
        assert scanner.connected
        time.sleep(0.05)
        assert got.empty()  # "rest" has no Enter yet
    finally:
        scanner.stop()
    assert not scanner.connected


def test_bad_specs():
    for spec in ("", "usb:1234", "serial://", "serial:///dev/ttyACM0?terminator=semicolon", "evdev:mouse"):
        with pytest.raises(ScannerSpecError):
            open_scanner(spec, print)


# --- serial scanner through a pty ---------------------------------------------------------------------------


class PtyLine:
    """The scanner's end of a serial line, reachable through a stable symlink (like /dev/serial/by-id)."""

    def __init__(self, link) -> None:
        self.link = link
        self.plug()

    def plug(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        if os.path.lexists(self.link):
            os.unlink(self.link)
        os.symlink(os.ttyname(self.slave), self.link)

    def unplug(self) -> None:
        os.unlink(self.link)
        os.close(self.master)
        os.close(self.slave)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)


def wait_until(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize(
    ("terminator", "suffix"), [("cr", b"\r"), ("lf", b"\n"), ("crlf", b"\r\n"), ("auto", b"\r\n")]
)
def test_serial_scanner_with_each_terminator(tmp_path, terminator, suffix):
    line = PtyLine(tmp_path / "ttyACM0")
    got: queue.Queue[str] = queue.Queue()
    scanner = open_scanner(f"serial://{line.link}?baudrate=9600&terminator={terminator}", got.put)
    scanner.start()
    try:
        assert wait_until(lambda: scanner.connected)
        line.send(NIK[:7].encode())
        time.sleep(0.05)
        line.send(NIK[7:].encode() + suffix + b"0012345678" + suffix)
        assert [got.get(timeout=2), got.get(timeout=2)] == [NIK, "0012345678"]
    finally:
        scanner.stop()
        line.unplug()


def test_serial_scanner_without_suffix_uses_the_pause(tmp_path):
    line = PtyLine(tmp_path / "ttyACM0")
    got: queue.Queue[str] = queue.Queue()
    scanner = open_scanner(f"serial://{line.link}?terminator=none", got.put)
    scanner.start()
    try:
        assert wait_until(lambda: scanner.connected)
        line.send(NIK.encode())
        assert got.get(timeout=2) == NIK
    finally:
        scanner.stop()
        line.unplug()


def test_serial_scanner_reconnects_after_the_port_disappears(tmp_path):
    line = PtyLine(tmp_path / "ttyACM0")
    got: queue.Queue[str] = queue.Queue()
    scanner = open_scanner(f"serial://{line.link}?terminator=cr", got.put)
    scanner.start()
    try:
        assert wait_until(lambda: scanner.connected)
        line.send(b"first\r")
        assert got.get(timeout=2) == "first"
        line.unplug()
        assert wait_until(lambda: not scanner.connected)
        line.plug()
        assert wait_until(lambda: scanner.connected)
        line.send(b"second\r")
        assert got.get(timeout=3) == "second"
    finally:
        scanner.stop()
        line.unplug()


def test_serial_scanner_that_never_appears_is_not_connected_and_stops_quickly(tmp_path):
    scanner = open_scanner(f"serial://{tmp_path}/ttyNOPE", print)
    scanner.start()
    time.sleep(0.1)
    assert not scanner.connected
    start = time.monotonic()
    scanner.stop()
    assert time.monotonic() - start < 1.5


# --- evdev scanner (no /dev/input here: a fake device with a real file descriptor) -----------------------


class FakeInputDevice:
    def __init__(
        self,
        name: str = "Honeywell Barcode Scanner",
        vendor: int = 0x0C2E,
        product: int = 0x0B61,
        path: str = "/dev/input/event7",
        keys: bool = True,
        mouse: bool = False,
    ) -> None:
        self.name, self.path = name, path
        self.info = SimpleNamespace(vendor=vendor, product=product)
        self._caps = {
            ecodes.EV_KEY: [ecodes.KEY_ENTER, ecodes.KEY_1, ecodes.KEY_0] if keys else [ecodes.BTN_LEFT]
        }
        if mouse:
            self._caps[ecodes.EV_REL] = [ecodes.REL_X]
        self._read_fd, self._write_fd = os.pipe()
        self.fd = self._read_fd
        self.events: list[InputEvent] = []
        self.unplugged = False
        self.grabbed = self.closed = False

    def capabilities(self):
        return self._caps

    def grab(self):
        self.grabbed = True

    def ungrab(self):
        self.grabbed = False

    def type_text(self, text: str) -> None:
        self.events += text_to_events(text)
        os.write(self._write_fd, b"x")

    def unplug(self) -> None:
        self.unplugged = True
        os.write(self._write_fd, b"x")

    def read(self):
        os.read(self._read_fd, 4096)
        if self.unplugged:
            raise OSError(errno.ENODEV, "No such device")
        events, self.events = self.events, []
        return iter(events)

    def close(self):
        self.closed = True


def test_find_device_prefers_scanners_and_skips_mice_and_plain_keyboards():
    keyboard = FakeInputDevice("Dell USB Keyboard", vendor=0x413C, path="/dev/input/event2")
    mouse = FakeInputDevice("Barcode mouse", mouse=True, path="/dev/input/event3")
    rfid = FakeInputDevice(
        "Sycreader RFID Technology Co., Ltd SYC ID&IC USB Reader",
        vendor=0xFFFF,
        product=0x0035,
        path="/dev/input/event5",
    )
    assert find_device("auto", [keyboard, mouse, rfid]) is rfid
    assert find_device("auto", [keyboard, mouse]) is None
    assert find_device("ffff:0035", [keyboard, rfid]) is rfid
    assert find_device("0x413c:0x9999", [keyboard, rfid]) is None


def test_evdev_scanner_grabs_reads_reconnects_and_stops():
    devices = [FakeInputDevice(), FakeInputDevice()]
    opened: list[FakeInputDevice] = []

    def opener(target: str):
        assert target == "auto"
        if not devices:
            return None
        opened.append(devices.pop(0))
        return opened[-1]

    got: queue.Queue[str] = queue.Queue()
    scanner = EvdevScanner("auto", got.put, opener=opener, poll=0.05)
    scanner.start()
    try:
        assert wait_until(lambda: scanner.connected)
        first = opened[0]
        assert first.grabbed
        first.type_text(NIK)
        assert got.get(timeout=2) == NIK
        first.unplug()
        assert wait_until(lambda: len(opened) == 2 and scanner.connected)
        assert first.closed
        opened[1].type_text("0012345678")
        assert got.get(timeout=2) == "0012345678"
    finally:
        start = time.monotonic()
        scanner.stop()
        assert time.monotonic() - start < 1.0
    assert opened[1].closed and not opened[1].grabbed
    assert not scanner.connected


def test_evdev_specs():
    assert isinstance(open_scanner("evdev:auto", print), EvdevScanner)
    assert open_scanner("evdev:/dev/input/by-id/usb-scanner-event-kbd", print).target.startswith("/dev/input")
    assert open_scanner("evdev:0c2e:0b61", print).target == "0c2e:0b61"
