"""Short confirmation tones (accepted scan, printed ticket), generated as small WAV files at first use.

Audio is a courtesy: a kiosk without a sound card, or with a broken one, must work exactly the same, so every
failure here is logged and dropped.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import struct
import subprocess
import tempfile
import wave
from typing import Any, Callable

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

    def play_file(self, path: str) -> None:
        """Play a WAV file (the spoken prompt), with the same never-fail rule as the tones."""
        if not self.enabled or self._broken:
            return
        try:
            from kivy.core.audio import SoundLoader

            sound = SoundLoader.load(path)
            if sound is None:
                log.info("no audio provider for the spoken prompt")
                return
            self._sounds["prompt"] = sound
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


class Speaker:
    """The spoken prompt for residents who cannot read: espeak-ng, offline, the same voice as the queue board.

    ``say`` makes the WAV in a worker thread (espeak-ng takes a moment) and ``play`` plays it on the UI thread.
    """

    def __init__(self, command: str = "espeak-ng", directory: str | None = None) -> None:
        self.command = shutil.which(command) or ""
        self.directory = directory

    @property
    def available(self) -> bool:
        return bool(self.command)

    def make_wav(self, text: str, language: str) -> str | None:
        """Speak ``text`` into a WAV file; None (and a log line) when espeak-ng is missing or fails."""
        if not self.command:
            return None
        self.directory = self.directory or tempfile.mkdtemp(prefix="kiosk-voice-")
        path = os.path.join(self.directory, f"prompt-{language}.wav")
        voice = "id" if language == "id" else "en"
        try:
            subprocess.run([self.command, "-v", voice, "-s", "135", "-w", path, text], check=True,
                           capture_output=True, timeout=20)
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("spoken prompt unavailable: %s", exc)
            return None
        return path

    def say(self, text: str, language: str, run: Callable[..., Any], play: Callable[[str], None]) -> None:
        """``run(work, on_done)`` runs the synthesis off the UI thread; ``play(path)`` plays the result."""
        run(lambda: self.make_wav(text, language), lambda path: play(path) if path else None)
