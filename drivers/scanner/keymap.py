"""Key events to text: the pure state machine behind every keyboard-mode scanner.

US layout (what HID scanners emulate), shift, caps lock, keypad digits; Enter, keypad Enter and Tab end a
scan; key-up and auto-repeat events and everything that is not a key are ignored. No device, no I/O.
"""

from __future__ import annotations

from typing import Any

from evdev import InputEvent, ecodes

EV_KEY = ecodes.EV_KEY
KEY_UP, KEY_DOWN, KEY_REPEAT = 0, 1, 2
MAX_SCAN = 4096  # a runaway device (a stuck key) cannot grow the buffer without bound

_PLAIN: dict[int, tuple[str, str]] = {}
for _letter in "abcdefghijklmnopqrstuvwxyz":
    _PLAIN[ecodes.ecodes[f"KEY_{_letter.upper()}"]] = (_letter, _letter.upper())
for _digit, _shifted in zip("1234567890", "!@#$%^&*()", strict=True):
    _PLAIN[ecodes.ecodes[f"KEY_{_digit}"]] = (_digit, _shifted)
for _name, _pair in {
    "MINUS": ("-", "_"),
    "EQUAL": ("=", "+"),
    "LEFTBRACE": ("[", "{"),
    "RIGHTBRACE": ("]", "}"),
    "SEMICOLON": (";", ":"),
    "APOSTROPHE": ("'", '"'),
    "GRAVE": ("`", "~"),
    "BACKSLASH": ("\\", "|"),
    "COMMA": (",", "<"),
    "DOT": (".", ">"),
    "SLASH": ("/", "?"),
    "SPACE": (" ", " "),
}.items():
    _PLAIN[ecodes.ecodes[f"KEY_{_name}"]] = _pair
_KEYPAD: dict[int, str] = {ecodes.ecodes[f"KEY_KP{d}"]: d for d in "0123456789"}
_KEYPAD.update(
    {
        ecodes.KEY_KPMINUS: "-",
        ecodes.KEY_KPPLUS: "+",
        ecodes.KEY_KPASTERISK: "*",
        ecodes.KEY_KPSLASH: "/",
        ecodes.KEY_KPDOT: ".",
    }
)
SHIFT_KEYS = frozenset({ecodes.KEY_LEFTSHIFT, ecodes.KEY_RIGHTSHIFT})
TERMINATORS = frozenset({ecodes.KEY_ENTER, ecodes.KEY_KPENTER, ecodes.KEY_TAB})

# The reverse map, for building test events and for the benchmark.
_CHAR_TO_KEY: dict[str, tuple[int, bool]] = {}
for _code, (_low, _high) in _PLAIN.items():
    _CHAR_TO_KEY.setdefault(_low, (_code, False))
    _CHAR_TO_KEY.setdefault(_high, (_code, True))


class KeyEventDecoder:
    """Feed key events one by one; :meth:`feed` returns the finished scan at a terminator, else ``None``."""

    def __init__(self) -> None:
        self._buffer: list[str] = []
        self._shift: set[int] = set()
        self._caps = False

    def reset(self) -> None:
        self._buffer.clear()
        self._shift.clear()

    @property
    def pending(self) -> str:
        return "".join(self._buffer)

    def feed(self, event: Any) -> str | None:
        """Take one event (``evdev.InputEvent`` or anything with ``type``, ``code``, ``value``)."""
        if getattr(event, "type", None) != EV_KEY:
            return None
        code, value = event.code, event.value
        if code in SHIFT_KEYS:
            if value == KEY_DOWN:
                self._shift.add(code)
            elif value == KEY_UP:
                self._shift.discard(code)
            return None
        if value != KEY_DOWN:  # key-up and auto-repeat
            return None
        if code == ecodes.KEY_CAPSLOCK:
            self._caps = not self._caps
            return None
        if code in TERMINATORS:
            text, self._buffer = "".join(self._buffer), []
            return text or None
        if code == ecodes.KEY_BACKSPACE:
            if self._buffer:
                self._buffer.pop()
            return None
        char = _KEYPAD.get(code)
        if char is None and code in _PLAIN:
            low, high = _PLAIN[code]
            shifted = bool(self._shift)
            if low.isalpha() and self._caps:
                shifted = not shifted
            char = high if shifted else low
        if char is not None and len(self._buffer) < MAX_SCAN:
            self._buffer.append(char)
        return None


def text_to_events(
    text: str, *, terminator: str = "enter", keypad_digits: bool = False, timestamp: float = 0.0
) -> list[InputEvent]:
    """The key events a US-layout HID scanner sends for ``text`` (with SYN reports, as the kernel does).

    :param terminator: ``enter``, ``kpenter``, ``tab`` or ``none``.
    :raises ValueError: for a character a US keyboard cannot type.
    """
    sec, usec = int(timestamp), int((timestamp % 1) * 1_000_000)
    events: list[InputEvent] = []

    def key(code: int, value: int) -> None:
        events.append(InputEvent(sec, usec, EV_KEY, code, value))
        events.append(InputEvent(sec, usec, ecodes.EV_SYN, ecodes.SYN_REPORT, 0))

    for char in text:
        if keypad_digits and char.isdigit():
            code, shifted = ecodes.ecodes[f"KEY_KP{char}"], False
        elif char in _CHAR_TO_KEY:
            code, shifted = _CHAR_TO_KEY[char]
        else:
            raise ValueError(f"no US key for {char!r}")
        if shifted:
            key(ecodes.KEY_LEFTSHIFT, KEY_DOWN)
        key(code, KEY_DOWN)
        key(code, KEY_UP)
        if shifted:
            key(ecodes.KEY_LEFTSHIFT, KEY_UP)
    end = {"enter": ecodes.KEY_ENTER, "kpenter": ecodes.KEY_KPENTER, "tab": ecodes.KEY_TAB}.get(terminator)
    if end is not None:
        key(end, KEY_DOWN)
        key(end, KEY_UP)
    return events
