"""Short confirmation tones (accepted scan, printed ticket), generated as small WAV files at first use.

Audio is a courtesy: a kiosk without a sound card, or with a broken one, must work exactly the same, so every
failure here is logged and dropped.
"""

from __future__ import annotations

import logging
import math
import os
import struct
import tempfile
import wave
from typing import Any

log = logging.getLogger(__name__)

TONES = {"scan": ((880, 0.09),), "printed": ((660, 0.09), (990, 0.14))}
RATE = 22050


def write_tone(path: str, notes: tuple[tuple[int, float], ...], volume: float = 0.35) -> str:
    """Write a mono 16-bit WAV of ``notes`` (frequency Hz, seconds) with soft edges; return ``path``."""
    frames = bytearray()
    for freq, seconds in notes:
        count = int(RATE * seconds)
        fade = max(1, int(RATE * 0.01))
        for i in range(count):
            envelope = min(1.0, i / fade, (count - i) / fade)
            sample = volume * envelope * math.sin(2 * math.pi * freq * i / RATE)
            frames += struct.pack("<h", int(sample * 32767))
    with wave.open(path, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return path


class Sounds:
    """Plays a named tone; does nothing (and says so once in the log) when audio is unavailable."""

    def __init__(self, enabled: bool = True, directory: str | None = None) -> None:
        self.enabled = enabled
        self.directory = directory
        self._sounds: dict[str, Any] = {}
        self._broken = False

    def play(self, name: str) -> None:
        if not self.enabled or self._broken:
            return
        try:
            sound = self._sounds.get(name) or self._load(name)
            if sound is not None:
                sound.stop()
                sound.play()
        except Exception as exc:  # noqa: BLE001 - any audio backend fault must not reach the resident
            self._broken = True
            log.warning("sound disabled: %s", exc)

    def _load(self, name: str) -> Any:
        from kivy.core.audio import SoundLoader

        directory = self.directory or tempfile.mkdtemp(prefix="kiosk-sounds-")
        self.directory = directory
        path = write_tone(os.path.join(directory, f"{name}.wav"), TONES[name])
        sound = SoundLoader.load(path)
        if sound is None:
            self._broken = True
            log.info("no audio provider, tones disabled")
            return None
        self._sounds[name] = sound
        return sound
