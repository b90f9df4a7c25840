"""Whether the clock can be trusted: a Raspberry Pi has no battery clock, so after a power cut it may wake up
in the past. Until a time source vouches for the clock, the edge numbers no tickets and no letters."""
from __future__ import annotations

import json
import logging
import subprocess
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from anjungan_core.files import atomic_write

log = logging.getLogger(__name__)

BUILD_DATE = date(2026, 11, 1)  # this release was built after this day: an earlier clock is certainly wrong
BACKWARDS_TOLERANCE = timedelta(minutes=2)
SOURCES = ("ntp", "district", "admin", "host")


@dataclass(frozen=True)
class ClockVerdict:
    trusted: bool
    source: str | None  # ntp | district | admin | host, or None
    reason: str  # plain Indonesian, for staff


def assess(now: datetime, *, last_seen: datetime | None, source: str | None,
           build_date: date = BUILD_DATE) -> ClockVerdict:
    """Judge the clock from what we know (pure): the build date, the last time we saw, and a time source."""
    if now.date() < build_date:
        return ClockVerdict(False, source, f"Jam server menunjukkan {now:%d-%m-%Y}, sebelum perangkat lunak ini "
                                           "dibuat. Jam pasti salah.")
    if last_seen is not None and now < last_seen - BACKWARDS_TOLERANCE:
        return ClockVerdict(False, source, f"Jam server mundur ke {now:%d-%m-%Y %H:%M} UTC dari "
                                           f"{last_seen:%d-%m-%Y %H:%M} UTC.")
    if source is None:
        return ClockVerdict(False, None, "Belum ada sumber waktu (internet/NTP, kabupaten, atau admin) sejak "
                                         "server menyala.")
    return ClockVerdict(True, source, "")


def ntp_synchronized() -> bool:
    """systemd-timesyncd (or chrony through timedated) says the clock is synchronised since boot."""
    if Path("/run/systemd/timesync/synchronized").exists():
        return True
    try:
        out = subprocess.run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"], capture_output=True,
                             text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.stdout.strip() == "yes"


def boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


class Timekeeper:
    """Holds the verdict for a Clock, persists the last time seen, and takes confirmations."""

    def __init__(self, clock, state_file: Path, policy: str = "auto", ntp=ntp_synchronized, shared: bool = False):
        """:param shared: other processes (web server workers) keep the same state file; re-read it each refresh."""
        self.shared = shared
        self.clock = clock
        self.state_file = state_file
        self.policy = policy  # auto: needs a source; host: the host's clock is trusted (containers, demo)
        self.ntp = ntp
        self._lock = threading.Lock()
        self._state = self._load()
        self.refresh()

    def _load(self) -> dict:
        try:
            state = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            state = {}
        if state.get("boot_id") != boot_id():  # a confirmation holds until the next boot only
            state.pop("source", None)
            state.pop("offset_seconds", None)
        return state

    def _save(self) -> None:
        atomic_write(self.state_file, json.dumps({**self._state, "boot_id": boot_id()}))

    def _last_seen(self) -> datetime | None:
        text = self._state.get("last_seen")
        return datetime.fromisoformat(text) if text else None

    def refresh(self) -> ClockVerdict:
        """Re-check the sources and the clock; remember the newest time seen while trusted."""
        with self._lock:
            if self.shared:  # another worker process may have taken a confirmation: read what it saved
                seen = self._last_seen()
                self._state = self._load()
                if seen and (self._last_seen() is None or self._last_seen() < seen):
                    self._state["last_seen"] = seen.isoformat()
            if "offset_seconds" in self._state:
                self.clock.offset = timedelta(seconds=self._state["offset_seconds"])
            source = "host" if self.policy == "host" else self._state.get("source")
            if source is None and self.ntp():
                source = "ntp"
            now = self.clock.now()
            verdict = assess(now, last_seen=self._last_seen(), source=source)
            if verdict.trusted:
                last = self._last_seen()
                self._state["last_seen"] = max(now, last).isoformat() if last else now.isoformat()
                self._save_quietly()
            self.clock.verdict = verdict
            return verdict

    def _save_quietly(self) -> None:
        try:
            self._save()
        except OSError as exc:
            log.warning("cannot save the clock state: %s", exc)

    def confirm(self, source: str, true_now: datetime | None = None) -> ClockVerdict:
        """A source vouches for the time; with `true_now`, the clock is corrected to it (an offset)."""
        if source not in SOURCES:
            raise ValueError(source)
        with self._lock:
            if true_now is not None:
                if true_now.tzinfo is None:
                    true_now = true_now.replace(tzinfo=timezone.utc)
                system_now = self.clock.now() - self.clock.offset
                offset = true_now - system_now
                self._state["offset_seconds"] = offset.total_seconds()
                self.clock.offset = offset
                # the jump is deliberate: forget the time seen before it
                self._state["last_seen"] = true_now.isoformat()
            self._state["source"] = source
            self._save_quietly()
        log.info("clock confirmed by %s (offset %.0f s)", source, self.clock.offset.total_seconds())
        return self.refresh()

    def start(self, interval: float = 30.0) -> threading.Thread:
        stop = threading.Event()

        def loop():
            while not stop.wait(interval):
                before = self.clock.verdict
                after = self.refresh()
                if before.trusted != after.trusted:
                    log.warning("clock %s: %s", "trusted" if after.trusted else "NOT trusted", after.reason)

        thread = threading.Thread(target=loop, name="timekeeper", daemon=True)
        thread.stop = stop  # type: ignore[attr-defined]
        thread.start()
        return thread
