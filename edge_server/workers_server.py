"""Serving plain HTTP from several worker processes (config `workers` > 1): gunicorn gthread workers, forked
after the app is built and the database migrated, all on one listening socket and one SQLite database in WAL mode.

What must hold across processes, and how it does:
- ticket numbers, rate limits, sessions, the outbox: in the database, under BEGIN IMMEDIATE;
- the board's event stream: it polls the CallEvent table (a stat of the WAL file between polls), so a call made
  in one worker reaches a board streamed by another within one poll;
- the clock's verdict: every worker runs a Timekeeper on the shared state file and re-reads it;
- the jobs that must run exactly once (district sync, retention, backups, cameras): the worker holding the lock
  file DATA_DIR/jobs.lock (fcntl) runs them; when it dies the lock is free and another worker takes them over.
"""
from __future__ import annotations

import fcntl
import logging
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path

from .https_server import _Gunicorn, _stop_streams_before

log = logging.getLogger("edge_server")


def run_when_locked(lock_path: Path, job: Callable[[], None]) -> threading.Thread:
    """Wait (in a daemon thread) for an exclusive lock on `lock_path`, then run `job` once and keep the lock for
    the life of the process."""

    def wait_and_run() -> None:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)  # blocks while another worker holds it; the lock dies with its process
        log.info("worker %d runs the background jobs", os.getpid())
        job()

    thread = threading.Thread(target=wait_and_run, name="jobs-lock", daemon=True)
    thread.start()
    return thread


def serve_workers(app, sock: socket.socket, *, workers: int, threads: int, on_ready: Callable[[], None],
                  start_worker: Callable[[], None], start_jobs: Callable[[], None], jobs_lock: Path,
                  stop_streams: Callable[[], None]) -> None:
    """Serve `app` on `sock` from `workers` processes until stopped (SIGTERM: graceful, SIGINT: quick).

    :param start_worker: runs in every worker (its timekeeper); ``start_jobs`` in exactly one at a time.
    """

    def when_ready(_arbiter) -> None:
        on_ready()

    def post_worker_init(worker) -> None:
        start_worker()
        run_when_locked(jobs_lock, start_jobs)
        _stop_streams_before(worker, stop_streams)

    _Gunicorn(app, {
        "bind": [f"fd://{sock.detach()}"],
        "workers": workers, "worker_class": "gthread", "threads": threads,
        "timeout": 60, "graceful_timeout": 10, "keepalive": 5,
        "when_ready": when_ready, "post_worker_init": post_worker_init,
        "accesslog": None, "errorlog": "-", "loglevel": "warning", "proc_name": "anjungan-edge",
        "limit_request_line": 8190,
    }).run()
