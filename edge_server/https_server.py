"""Serving with TLS: gunicorn (one gthread worker) for HTTPS, waitress inside that worker for plain HTTP.

Why this shape: waitress, our server for plain HTTP, has no TLS; gunicorn (already a dependency, the district's
server) does, with the handshake done in a worker thread. The edge keeps in-process background threads (sync,
timekeeper, cameras, retention, backups) that must run exactly once and next to the app, so there is ONE worker
process and those threads start in it (``post_worker_init``); when gunicorn replaces a crashed worker, the new one
starts them again. The plain-HTTP listener (this machine gets the app, the LAN a redirect, edge_server/tls.py) is
a waitress server on a thread of the same worker, so one process answers both ports and shares one app.

Both sockets are bound before anything else (port 0 = a free port, reported in the log), so the demo can be
seeded with the real URL first; the parent (gunicorn's arbiter) prints ``listening on`` and tells systemd it is
ready once both sockets listen, and feeds the watchdog while the app answers its own health check.
"""
from __future__ import annotations

import logging
import signal
import socket
import ssl
import threading
from collections.abc import Callable

from gunicorn.app.base import BaseApplication

log = logging.getLogger("edge_server")


def bind_listener(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (0: any free port). :raises OSError: when the port is taken."""
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


class _Gunicorn(BaseApplication):
    """gunicorn's programmatic application around one ready-made WSGI app."""

    def __init__(self, wsgi_app, options: dict) -> None:
        self.wsgi_app = wsgi_app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.wsgi_app


def serve_https(https_app, http_app, https_sock: socket.socket, http_sock: socket.socket, *, threads: int,
                on_ready: Callable[[], None], start_jobs: Callable[[], None],
                stop_streams: Callable[[], None], certfile: str, keyfile: str) -> None:
    """Serve until stopped (SIGTERM: graceful, SIGINT: quick).

    :param https_app: the WSGI app behind HTTPS; ``http_app`` the one behind plain HTTP (the LAN redirect).
    :param on_ready: runs once in the parent when both sockets accept connections (log line, READY=1).
    :param start_jobs: runs in each new worker: the background threads that must exist exactly once.
    :param stop_streams: ends the board's event streams, so a stop does not wait for them.
    """

    def when_ready(_arbiter) -> None:
        on_ready()

    def post_worker_init(worker) -> None:
        from waitress import create_server

        http_server = create_server(http_app, sockets=[http_sock], threads=max(4, threads // 3),
                                    ident="anjungan-edge", channel_timeout=120, connection_limit=200,
                                    channel_request_lookahead=1)
        threading.Thread(target=http_server.run, name="edge-http", daemon=True).start()
        start_jobs()
        _stop_streams_before(worker, stop_streams)

    _Gunicorn(https_app, {
        "bind": [f"fd://{https_sock.detach()}"],  # gunicorn owns (and closes) the descriptor from here on
        "workers": 1, "worker_class": "gthread", "threads": threads,
        "certfile": certfile, "keyfile": keyfile, "ssl_context": _tls12_or_newer,
        "timeout": 60, "graceful_timeout": 10, "keepalive": 5,
        "when_ready": when_ready, "post_worker_init": post_worker_init,
        "accesslog": None, "errorlog": "-", "loglevel": "warning", "proc_name": "anjungan-edge",
        "limit_request_line": 8190,
    }).run()


def _tls12_or_newer(_conf, default_factory):
    context = default_factory()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _stop_streams_before(worker, stop_streams: Callable[[], None]) -> None:
    """Wrap the worker's stop signals: end the board's streams first, then gunicorn's own handling."""
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
        previous = signal.getsignal(signum)

        def handler(sig, frame, previous=previous):
            stop_streams()
            if callable(previous):
                previous(sig, frame)

        signal.signal(signum, handler)
        if signum == signal.SIGTERM:
            signal.siginterrupt(signal.SIGTERM, False)
