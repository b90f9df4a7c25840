"""The board's Indonesian voice: a two-tone chime, then espeak-ng speaking the call, cached as WAV files.

Files live under DATA_DIR/voice/, named by a hash of everything that shapes the sound (text, voice, speed,
chime version), so a recall to the same counter reuses the file and a call to another counter makes a new one.
"""
from __future__ import annotations

import array
import hashlib
import logging
import math
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import wave
from dataclasses import dataclass
from pathlib import Path

from anjungan_core.files import atomic_write

from ..cpu_pinning import released

log = logging.getLogger(__name__)

DEFAULT_RATE = 22050  # espeak-ng's own output rate; the chime follows whatever rate the speech has
SOUND_VERSION = "1"  # bump when the chime or the mixing changes, so cached files are made again
GAP_SECONDS = 0.25  # silence between the chime and the words
SPEED_WPM = 140
MAX_CACHED_FILES = 600  # about 150 MB at most on the SD card; the oldest go first
ESPEAK_TIMEOUT_SECONDS = 20


class SpeechError(RuntimeError):
    """espeak-ng is missing, failed, or wrote something that is not 16-bit mono WAV."""


def chime_samples(rate: int, tones: tuple[tuple[float, float], ...] = ((880.0, 0.32), (659.25, 0.5)),
                  volume: float = 0.5) -> array.array:
    """A bell-like 'ding-dong' as signed 16-bit mono samples.

    Each tone has a 10 ms attack, an exponential decay and a 15 ms fade-out, so there is no click between tones.
    """
    out = array.array("h")
    attack = max(1, int(rate * 0.010))
    fade = max(1, int(rate * 0.015))
    for freq, seconds in tones:
        n = int(rate * seconds)
        step = 2 * math.pi * freq / rate
        for i in range(n):
            envelope = min(1.0, i / attack) * math.exp(-3.0 * i / n) * min(1.0, (n - i) / fade)
            sample = math.sin(step * i) + 0.3 * math.sin(2 * step * i)  # a soft overtone sounds like a bell
            out.append(int(32767 * volume * envelope * sample / 1.3))
    return out


def silence(rate: int, seconds: float) -> array.array:
    return array.array("h", bytes(2 * int(rate * seconds)))


def wav_bytes(samples: array.array, rate: int) -> bytes:
    """16-bit mono PCM samples as a complete RIFF/WAVE file."""
    import io

    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(_little_endian(samples))
    return buf.getvalue()


def _little_endian(samples: array.array) -> bytes:
    if sys.byteorder == "big":
        samples = array.array("h", samples)
        samples.byteswap()
    return samples.tobytes()


def _read_pcm(path: Path) -> tuple[int, array.array]:
    """(rate, samples) of a 16-bit mono WAV file.

    :raises SpeechError: the file is not 16-bit mono PCM.
    """
    try:
        with wave.open(str(path), "rb") as src:
            if src.getnchannels() != 1 or src.getsampwidth() != 2:
                raise SpeechError(f"espeak-ng wrote {src.getnchannels()} channel(s) of {src.getsampwidth()} bytes")
            rate = src.getframerate()
            frames = src.readframes(src.getnframes())
    except (wave.Error, EOFError) as exc:
        raise SpeechError(f"espeak-ng wrote no valid WAV: {exc}") from None
    samples = array.array("h")
    samples.frombytes(frames)
    if sys.byteorder == "big":
        samples.byteswap()
    return rate, samples


@dataclass
class Sound:
    """A finished call sound: a cached file, or (when there is no speech) the chime alone in memory."""

    path: Path | None = None
    data: bytes | None = None


class VoiceMaker:
    """Makes and caches call sounds; one lock per sound so concurrent first requests run espeak-ng once."""

    def __init__(self, cache_dir: str | os.PathLike, command: str = "espeak-ng", voice: str = "id",
                 speed: int = SPEED_WPM):
        self.cache_dir = Path(cache_dir)
        self.command = shlex.split(command) if command else []
        self.voice = voice
        self.speed = speed
        self.synth_runs = 0  # how many times espeak-ng ran (tests and the bench read it)
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._warned_missing = False
        self._chimes: dict[int, array.array] = {}

    def key(self, text: str) -> str:
        material = "|".join([SOUND_VERSION, " ".join(self.command), self.voice, str(self.speed), text])
        return hashlib.sha256(material.encode()).hexdigest()[:32]

    def sound(self, text: str) -> Sound:
        """The chime and the spoken `text`, from the cache or made now (at most once at a time per text)."""
        path = self.cache_dir / f"{self.key(text)}.wav"
        if path.exists():
            return Sound(path=path)
        key = path.stem
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            try:
                if path.exists():  # another request made it while this one waited
                    return Sound(path=path)
                try:
                    rate, speech = self._speak(text)
                except SpeechError as exc:
                    self._warn(exc)
                    return Sound(data=self.chime_wav())
                samples = self._chime(rate) + silence(rate, GAP_SECONDS) + speech
                self._store(path, wav_bytes(samples, rate))
                return Sound(path=path)
            finally:
                with self._guard:  # the file exists now (or never will): later requests need no lock
                    self._locks.pop(key, None)

    def chime_wav(self, rate: int = DEFAULT_RATE) -> bytes:
        """The chime alone (what the board plays when there is no voice)."""
        return wav_bytes(self._chime(rate), rate)

    def _chime(self, rate: int) -> array.array:
        if rate not in self._chimes:  # made once per rate: it is the slow part in pure Python
            self._chimes[rate] = chime_samples(rate)
        return self._chimes[rate]

    def _speak(self, text: str) -> tuple[int, array.array]:
        """Run espeak-ng into a temporary WAV file and read it back.

        :raises SpeechError: espeak-ng is missing, failed, timed out or wrote no usable WAV.
        """
        if not self.command:
            raise SpeechError("no espeak_command configured")
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".speech-", suffix=".wav", dir=self.cache_dir)
        os.close(fd)
        try:
            argv = [*self.command, "-v", self.voice, "-s", str(self.speed), "-w", tmp, text]
            self.synth_runs += 1
            try:
                with released():  # espeak-ng may use every core, not only this worker's
                    done = subprocess.run(argv, capture_output=True, timeout=ESPEAK_TIMEOUT_SECONDS, check=False)
            except FileNotFoundError:
                raise SpeechError(f"{self.command[0]} is not installed") from None
            except subprocess.TimeoutExpired:
                raise SpeechError(f"{self.command[0]} took longer than {ESPEAK_TIMEOUT_SECONDS} s") from None
            if done.returncode != 0:
                detail = done.stderr.decode(errors="replace").strip()[:200]
                raise SpeechError(f"{self.command[0]} exited {done.returncode}: {detail}")
            rate, samples = _read_pcm(Path(tmp))
            if not samples:
                raise SpeechError(f"{self.command[0]} produced no sound for voice {self.voice!r}")
            return rate, samples
        finally:
            Path(tmp).unlink(missing_ok=True)

    def _store(self, path: Path, data: bytes) -> None:
        """Write atomically (a half-written file is never served), then keep the cache bounded."""
        atomic_write(path, data)
        self._prune()

    def _prune(self) -> None:
        files = [p for p in self.cache_dir.glob("*.wav") if not p.name.startswith(".")]
        if len(files) <= MAX_CACHED_FILES:
            return
        files.sort(key=lambda p: p.stat().st_mtime)
        for old in files[: len(files) - MAX_CACHED_FILES * 3 // 4]:
            old.unlink(missing_ok=True)

    def _warn(self, exc: SpeechError) -> None:
        missing = "not installed" in str(exc) or "no espeak_command" in str(exc)
        if missing:
            if self._warned_missing:
                return
            self._warned_missing = True
            log.warning("board voice: %s; the board plays the chime alone", exc)
        else:
            log.warning("board voice: %s; playing the chime alone for this call", exc)
