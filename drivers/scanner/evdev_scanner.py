"""USB barcode scanners and RFID readers that act as keyboards, read through evdev.

Device discovery, ``grab()`` and the blocking read loop live here; turning key events into text is
:class:`KeyEventDecoder`'s job. The loop waits with ``select`` and a short timeout so ``stop()`` is prompt,
and runs in its own thread so the kiosk's UI loop never waits on the device.
"""

from __future__ import annotations

import logging
import re
import select
from collections.abc import Callable, Iterable
from typing import Any

from drivers.scanner.base import RECONNECT_SECONDS, Scanner, ScannerSpecError
from drivers.scanner.keymap import KeyEventDecoder

log = logging.getLogger(__name__)

SCANNER_WORDS = (
    "barcode",
    "scanner",
    "scan",
    "rfid",
    "reader",
    "card",
    "qr",
    "2d",
    "honeywell",
    "symbol",
    "zebra",
    "datalogic",
    "newland",
    "metrologic",
    "sycreader",
    "hid id",
    "ic reader",
    "em4100",
)
SCANNER_VENDORS = frozenset(
    {
        0x0C2E,  # Honeywell / Metrologic
        0x05E0,  # Symbol / Zebra
        0x1EAB,  # Newland
        0x05F9,  # Datalogic
        0x1A86,  # QinHeng-based cheap scanners
        0xFFFF,  # unbranded RFID readers ("Sycreader")
        0x08FF,  # AuthenTec / cheap 125 kHz readers
        0x0483,  # STM32-based scanners
    }
)
_VIDPID = re.compile(r"(?:0x)?([0-9a-fA-F]{1,4}):(?:0x)?([0-9a-fA-F]{1,4})")


def _evdev() -> Any:
    import evdev

    return evdev


def is_keyboard_like(device: Any) -> bool:
    """Has Enter and digit keys and is no mouse."""
    evdev = _evdev()
    caps = device.capabilities()
    keys = set(caps.get(evdev.ecodes.EV_KEY, []))
    if evdev.ecodes.EV_REL in caps:
        return False
    return evdev.ecodes.KEY_ENTER in keys and evdev.ecodes.KEY_1 in keys and evdev.ecodes.KEY_0 in keys


def scanner_score(device: Any) -> int:
    """How much a keyboard-like device looks like a scanner (0: not at all)."""
    name = (device.name or "").lower()
    score = sum(2 for word in SCANNER_WORDS if word in name)
    if device.info.vendor in SCANNER_VENDORS:
        score += 3
    return score


def find_device(target: str, devices: Iterable[Any]) -> Any | None:
    """The device for ``auto``, a path (``/dev/input/by-id/...``) or ``VID:PID`` among ``devices``."""
    candidates = [d for d in devices if is_keyboard_like(d)]
    match = _VIDPID.fullmatch(target)
    if match:
        vid, pid = int(match.group(1), 16), int(match.group(2), 16)
        return next((d for d in candidates if d.info.vendor == vid and d.info.product == pid), None)
    if target == "auto":
        scored = sorted(((scanner_score(d), d.path) for d in candidates), reverse=True)
        if scored and scored[0][0] > 0:
            return next(d for d in candidates if d.path == scored[0][1])
        return None
    raise ScannerSpecError(f"evdev:{target}: use auto, a /dev/input path or VID:PID")


def list_input_devices() -> list[Any]:
    evdev = _evdev()
    devices = []
    for path in evdev.list_devices():
        try:
            devices.append(evdev.InputDevice(path))
        except OSError as exc:  # permission denied (user not in group input) or gone meanwhile
            log.debug("cannot open %s: %s", path, exc)
    return devices


def open_device(target: str) -> Any | None:
    """Open the scanner's input device, or ``None`` when it is not there (yet)."""
    if target.startswith("/"):
        try:
            return _evdev().InputDevice(target)
        except OSError as exc:
            log.debug("evdev %s not available: %s", target, exc)
            return None
    devices = list_input_devices()
    chosen = find_device(target, devices)
    for device in devices:
        if device is not chosen:
            device.close()
    return chosen


class EvdevScanner(Scanner):
    def __init__(
        self,
        target: str,
        on_scan: Callable[[str], None],
        *,
        opener: Callable[[str], Any | None] = open_device,
        poll: float = 0.25,
    ) -> None:
        super().__init__(on_scan)
        if target != "auto" and not target.startswith("/") and not _VIDPID.fullmatch(target):
            raise ScannerSpecError(f"evdev:{target}: use auto, a /dev/input path or VID:PID")
        self.target, self.opener, self.poll = target, opener, poll
        self.device_name: str | None = None
        self.grabbed = False

    def _run(self) -> None:
        while not self._stop.is_set():
            device = self.opener(self.target)
            if device is None:
                self._stop.wait(RECONNECT_SECONDS)
                continue
            try:
                self._read(device)
            finally:
                self._connected = False
                self._release(device)
            self._stop.wait(RECONNECT_SECONDS)

    def _release(self, device: Any) -> None:
        if self.grabbed:
            try:
                device.ungrab()
            except OSError:
                pass  # unplugged: the grab went with it
        self.grabbed = False
        try:
            device.close()
        except OSError:
            pass  # already closed by the kernel

    def _read(self, device: Any) -> None:
        try:
            device.grab()  # exclusive: the scanned digits must not also be typed into the kiosk UI
            self.grabbed = True
        except OSError as exc:
            log.warning("scanner %s: cannot grab (%s); scans may also reach the window", device.path, exc)
        self.device_name = device.name
        self._connected = True
        log.info("scanner connected: %s (%s)", device.name, device.path)
        decoder = KeyEventDecoder()
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([device.fd], [], [], self.poll)
                if not ready:
                    continue
                events = list(device.read())
            except BlockingIOError:
                continue
            except OSError as exc:  # ENODEV: unplugged
                log.warning("scanner %s lost: %s; waiting for it to come back", device.path, exc)
                return
            for event in events:
                text = decoder.feed(event)
                if text:
                    self._emit(text)
