"""Serving from worker processes: plain HTTP when `workers` > 1, and HTTPS (with a certificate) for any `workers`.
granian (HTTP and TLS in Rust, the WSGI app on a pool of Python threads in each worker); workers forked after the
app is built and the database migrated, each with its own listening socket on the same port (SO_REUSEPORT: the
kernel spreads the connections), all on one SQLite database in WAL mode. With TLS, the plain-HTTP listener
(this machine gets the app, the LAN a redirect: edge_server/tls.py) is one socket that every worker's waitress
thread accepts on.

Why granian rather than gunicorn here: per request, gunicorn's HTTP handling in Python cost 0.25 ms of CPU and
granian's 0.02-0.05 ms, measured with the same load client on an empty WSGI app (bench_queue's notes in
docs/operator.md); a ticket costs about half a millisecond in all, so the server was a third of it.

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
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from .cpu_pinning import pin_worker

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


def bind_listener(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (0: any free port), inherited by every worker (the plain-HTTP
    listener beside HTTPS). :raises OSError: when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host or "0.0.0.0", port))
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    return sock


def reserve_port(host: str, port: int) -> socket.socket:
    """Hold ``host:port`` (0: any free port) for the workers' own listening sockets, which bind it with
    SO_REUSEPORT: this socket is bound with it too but never listens, so it takes no connections. It is bound
    first without SO_REUSEPORT, so a port another server already uses is an error, not a shared port.

    :raises OSError: when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    address = host or "0.0.0.0"
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((address, port))
        port = probe.getsockname()[1]
    held = socket.socket(family, socket.SOCK_STREAM)
    try:
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        held.bind((address, port))
    except OSError:
        held.close()
        raise
    return held


class Tls(NamedTuple):
    """HTTPS on the workers' port, and the plain-HTTP listener beside it (this machine: the app; the LAN: a
    redirect, edge_server/tls.py), served by waitress on a thread of each worker from one shared socket."""

    certfile: str
    keyfile: str
    plain_app: Callable
    plain_sock: socket.socket


def serve_workers(app, held: socket.socket, *, workers: int, threads: int, on_ready: Callable[[], None],
                  start_worker: Callable[[], None], start_jobs: Callable[[], None], jobs_lock: Path,
                  stop_streams: Callable[[], None], tls: Tls | None = None, pin_dir: Path | None = None) -> None:
    """Serve `app` on the port `held` reserves, from `workers` processes, until SIGTERM or SIGINT.

    :param threads: Python threads per worker (requests answered at once, board streams included).
    :param start_worker: runs in every worker (its timekeeper); ``start_jobs`` in exactly one at a time.
    :param stop_streams: ends the board's event streams, first thing when a worker is told to stop.
    :param tls: serve HTTPS (TLS 1.2 or newer) with a plain-HTTP listener beside it.
    :param pin_dir: where each worker claims a core of its own (cpu_pinning.py); None: the workers float.
    """
    from granian import Granian
    from granian.constants import Interfaces, SSLProtocols

    host, port = held.getsockname()[:2]

    def in_worker():
        if pin_dir is not None:  # first: every thread the worker starts from here on stays on its core
            pin_worker(pin_dir, workers)
        if tls is not None:
            _serve_plain(tls.plain_app, tls.plain_sock, threads)
        start_worker()
        run_when_locked(jobs_lock, start_jobs)
        _stop_streams_first(stop_streams)
        return app

    secure = {} if tls is None else {"ssl_cert": Path(tls.certfile), "ssl_key": Path(tls.keyfile),
                                     "ssl_protocol_min": SSLProtocols.tls12}
    server = Granian("edge_server", address=host, port=port, interface=Interfaces.WSGI, workers=workers,
                     blocking_threads=threads, backlog=1024, respawn_failed_workers=True, workers_kill_timeout=10,
                     log_level="warning", log_dictconfig=_GRANIAN_LOGGING, **secure)
    logging.getLogger("_granian").addFilter(_not_the_threads_hint)
    threading.Thread(target=_when_accepting, args=(host, port, on_ready), name="ready", daemon=True).start()
    server.serve(target_loader=in_worker, wrap_loader=False)
    held.close()


def _serve_plain(plain_app, sock: socket.socket, threads: int) -> None:
    """waitress on a thread of this worker, accepting on the listening socket every worker shares."""
    from waitress import create_server

    server = create_server(plain_app, sockets=[sock], threads=max(4, threads // 3), ident="anjungan-edge",
                           channel_timeout=120, connection_limit=200,
                           channel_request_lookahead=1)  # a board stream notices its client leaving at once
    threading.Thread(target=server.run, name="edge-http", daemon=True).start()


# granian's own messages (a worker killed or respawned) go through our handler and format, like everything else
_GRANIAN_LOGGING = {"loggers": {"_granian": {"handlers": [], "propagate": True}}}


def _not_the_threads_hint(record: logging.LogRecord) -> bool:
    """granian advises fewer Python threads than `threads`; board streams each hold one, so we keep them."""
    return "Python threads" not in record.getMessage()


def _when_accepting(host: str, port: int, on_ready: Callable[[], None], timeout: float = 120.0) -> None:
    """Call `on_ready` once a worker accepts connections on the port (the workers bind their own sockets after
    the fork, so the parent knows it only by trying)."""
    target = "127.0.0.1" if host in ("0.0.0.0", "") else ("::1" if host == "::" else host)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((target, port), timeout=1).close()
        except OSError:
            time.sleep(0.02)
            continue
        on_ready()
        return
    log.error("no worker accepted connections on port %d within %.0f s", port, timeout)


def _stop_streams_first(stop_streams: Callable[[], None]) -> None:
    """granian's worker sets its own SIGTERM and SIGINT handlers after loading the app: wrap them as they are
    installed, so a stopping worker ends the board's streams first (a stream would otherwise hold its thread and
    the worker until it is killed)."""
    import granian._signals as signals

    installed = signals.set_main_signals

    def set_main_signals(handler, reload_handler=None):
        def first_the_streams(signum, frame):
            stop_streams()
            handler(signum, frame)

        return installed(first_the_streams, reload_handler)

    signals.set_main_signals = set_main_signals
