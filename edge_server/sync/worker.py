"""The sync worker: sends the outbox in order until the district acknowledges it, backing off on failure.

It runs as a daemon thread inside `serve` and once from `python -m edge_server sync --once`. Both take an
advisory lock file (fcntl) for each cycle, so they never send at the same moment; the hub is idempotent anyway.
Killed at any instant, nothing is lost: an event leaves the outbox only after the district acknowledged it, and
the acknowledgement is one transaction.
"""
from __future__ import annotations

import fcntl
import logging
import os
import random
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..db import database
from ..models import VillageProfile
from . import store
from .announcements import apply_announcements
from .backoff import backoff_delay
from .batching import MAX_BYTES, MAX_EVENTS, batch_body, compress, take_batch
from .client import Acked, ClockSkew, DistrictClient, DistrictConfig, Failed, SeqConflict
from .device_watch import report_offline_devices
from .outbox import catch_up_issued_events

log = logging.getLogger(__name__)

CONFIG_POLL_SECONDS = 60.0
PRUNE_EVERY_SECONDS = 3600.0
MAX_SKEW_RETRIES = 2
MAX_CONFLICT_RETRIES = 3
ONCE_ATTEMPTS = 6


@dataclass
class CycleResult:
    ok: bool
    sent: int = 0
    error: str = ""
    skipped: bool = False  # another process held the lock


class SyncWorker:
    """One village's sync loop; `cycle()` does one pass, `run_forever()` repeats it with backoff."""

    def __init__(self, app, client: DistrictClient | None = None, rand: random.Random | None = None):
        self.app = app
        self.cfg = app.extensions["edge_config"]
        self.clock = app.extensions["clock"]
        self.wakeup = threading.Event()
        self.rand = rand or random.Random()
        self.lock_path = Path(self.cfg.data_dir) / "sync.lock"
        self._client = client
        self._last_config_poll = 0.0
        self._last_prune = 0.0
        self._uploader = None
        self.stopped = threading.Event()

    # ---- one cycle -----------------------------------------------------------------------------------------

    def client(self) -> DistrictClient:
        if self._client is None:
            timeout = min(30.0, max(5.0, 2 * self.cfg.sync_interval_seconds))
            self._client = DistrictClient(self.cfg.district_url, self.village_code(), self.cfg.district_secret,
                                          timeout=timeout)
        return self._client

    def village_code(self) -> str:
        profile = VillageProfile.select().first()
        return profile.code if profile else self.cfg.village_code

    def cycle(self, *, wait_for_lock: float = 0.0, force_config: bool = False) -> CycleResult:
        """Send what is pending, poll the district's config, prune old events."""
        with _file_lock(self.lock_path, wait_for_lock) as locked:
            if not locked:
                return CycleResult(ok=True, skipped=True)
            database.connect(reuse_if_open=True)
            try:
                return self._cycle_locked(force_config)
            finally:
                if not database.is_closed():
                    database.close()

    def _cycle_locked(self, force_config: bool) -> CycleResult:
        now = self.clock.utcnow()
        store.record_attempt(now)
        report_offline_devices(now)
        result = self._send_pending()
        if result.ok:
            self._poll_config(force_config)
            self._upload_backup()
            if time.monotonic() - self._last_prune >= PRUNE_EVERY_SECONDS or not self._last_prune:
                store.prune(self.clock.utcnow(), self.cfg.sync_retention_days)
                self._last_prune = time.monotonic()
        else:
            store.record_failure(result.error, self.clock.utcnow())
        return result

    def _send_pending(self) -> CycleResult:
        sent = skews = conflicts = stalls = 0
        catch_up_issued_events()
        village = self.client().village
        while True:
            batch = take_batch(store.pending_events(MAX_EVENTS), MAX_EVENTS, MAX_BYTES)
            if not batch:
                return CycleResult(ok=True, sent=sent)
            body = compress(batch_body(village, batch))
            outcome = self.client().send_batch(body, store.sync_state().clock_offset)
            if isinstance(outcome, Acked):
                covered = store.mark_acked(outcome.acked_through, self.clock.utcnow())
                sent += len(batch)
                log.info("sync: sent %d events (seq %d-%d), district has all through %d",
                         len(batch), batch[0]["seq"], batch[-1]["seq"], outcome.acked_through)
                if covered == 0:
                    stalls += 1
                    if stalls >= 2:
                        return CycleResult(ok=False, sent=sent, error=(
                            f"kabupaten tidak mengakui seq {batch[0]['seq']} (hanya sampai {outcome.acked_through})"))
            elif isinstance(outcome, ClockSkew):
                skews += 1
                offset = outcome.server_time - time.time()
                store.set_clock_offset(offset)
                log.warning("sync: clock differs from the district's by %.0f s; adopting its time", offset)
                if skews > MAX_SKEW_RETRIES:
                    return CycleResult(ok=False, sent=sent, error="jam desa berbeda dengan jam kabupaten")
            elif isinstance(outcome, SeqConflict):
                conflicts += 1
                if conflicts > MAX_CONFLICT_RETRIES:
                    return CycleResult(ok=False, sent=sent, error="nomor urut bentrok dengan data kabupaten")
                store.renumber(outcome.acked_through, outcome.conflict_seq, self.clock.utcnow())
            else:
                assert isinstance(outcome, Failed)
                log.warning("sync: %s", outcome.reason)
                return CycleResult(ok=False, sent=sent, error=outcome.reason)

    def _upload_backup(self) -> None:
        """Send the newest nightly backup to the district once (encrypted); see backup_upload.py."""
        from .backup_upload import BackupUploader

        if self._uploader is None:
            self._uploader = BackupUploader(self.cfg, session=self.client().session)
        self._uploader.maybe_upload(self.client().village, store.sync_state().clock_offset)

    def _poll_config(self, force: bool) -> None:
        if not force and time.monotonic() - self._last_config_poll < CONFIG_POLL_SECONDS:
            return
        state = store.sync_state()
        answer = self.client().fetch_config(state.config_etag, state.clock_offset)
        if isinstance(answer, ClockSkew):  # an idle village learns the district's time here
            store.set_clock_offset(answer.server_time - time.time())
            answer = self.client().fetch_config(state.config_etag, answer.server_time - time.time())
        if isinstance(answer, DistrictConfig):
            self._last_config_poll = time.monotonic()
            if not answer.not_modified:
                count = apply_announcements(answer.announcements)
                store.set_config_etag(answer.etag)
                log.info("sync: %d district announcements", count)
        else:
            log.warning("sync: %s", getattr(answer, "reason", "clock still differs from the district's"))

    # ---- the loop ------------------------------------------------------------------------------------------

    def next_delay(self, result: CycleResult) -> float:
        if result.ok:
            return self.cfg.sync_interval_seconds
        database.connect(reuse_if_open=True)
        try:
            failures = store.sync_state().failures
        finally:
            database.close()
        return backoff_delay(failures, self.cfg.sync_backoff_base_seconds, self.cfg.sync_backoff_max_seconds,
                             self.rand)

    def run_forever(self) -> None:
        """Cycle until stopped; any error is logged and retried later, never the end of the thread."""
        force_config = True
        while not self.stopped.is_set():
            try:
                result = self.cycle(force_config=force_config)
                force_config = False
                delay = self.next_delay(result)
            except Exception:  # noqa: BLE001  (a background thread must outlive any one bad cycle)
                log.exception("sync: cycle failed")
                delay = self.cfg.sync_backoff_max_seconds
            if self.wakeup.wait(delay):
                self.wakeup.clear()
                force_config = True


@contextmanager
def _file_lock(path: Path, wait: float):
    """An advisory lock (flock) on `path`; yields False when another process holds it past `wait` seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.1)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def start_worker(app) -> SyncWorker:
    """Start the background sync thread (daemon: it never holds `serve` open)."""
    worker = SyncWorker(app)
    app.extensions["sync_worker"] = worker
    thread = threading.Thread(target=worker.run_forever, name="anjungan-sync", daemon=True)
    thread.start()
    log.info("sync: sending to %s every %g s", app.extensions["edge_config"].district_url,
             app.extensions["edge_config"].sync_interval_seconds)
    return worker


def sync_until_acked(app, worker: SyncWorker | None = None, attempts: int = ONCE_ATTEMPTS) -> bool:
    """Send until every event pending at the start is acknowledged; False after `attempts` failed cycles."""
    cfg = app.extensions["edge_config"]
    if not cfg.district_url:
        log.error("sync: no district_url configured")
        return False
    worker = worker or SyncWorker(app)
    database.connect(reuse_if_open=True)
    catch_up_issued_events()
    target = store.pending_ids()
    database.close()
    failures = 0
    while True:
        result = worker.cycle(wait_for_lock=60.0, force_config=failures == 0)
        database.connect(reuse_if_open=True)
        left = store.unacked_among(target)
        database.close()
        if left == 0:
            log.info("sync: all %d pending events acknowledged", len(target))
            return True
        if not result.skipped and not result.ok:
            failures += 1
            if failures >= attempts:
                log.error("sync: %d events still unacknowledged: %s", left, result.error)
                return False
            time.sleep(backoff_delay(failures, cfg.sync_backoff_base_seconds,
                                     min(cfg.sync_backoff_max_seconds, 30.0), worker.rand))
