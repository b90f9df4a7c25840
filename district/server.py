"""Running the hub on gunicorn (a production WSGI server) with several workers."""
from __future__ import annotations

import logging
import socket
import urllib.request

from gunicorn.app.base import BaseApplication

import sdnotify

log = logging.getLogger("district")


def free_port(host: str) -> int:
    """A port nobody listens on right now (for --port 0)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host if host not in ("", "0.0.0.0") else "0.0.0.0", 0))
        return sock.getsockname()[1]


def _answers_health(host: str, port: int) -> bool:
    """The systemd watchdog's self-check: a worker answers /healthz."""
    target = "127.0.0.1" if host in ("", "0.0.0.0") else host
    with urllib.request.urlopen(f"http://{target}:{port}/healthz", timeout=10) as answer:
        return answer.status == 200


class HubServer(BaseApplication):
    """gunicorn's programmatic application: each worker builds its own app (and database pool) after fork."""

    def __init__(self, district_config, options: dict):
        self.district_config = district_config
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self):
        from . import create_app

        return create_app(self.district_config, migrate_db=False)


def serve(cfg, port: int) -> None:
    """Serve until stopped; logs `listening on http://HOST:PORT` once the socket accepts connections."""
    url_host = cfg.host

    def when_ready(_server) -> None:
        # Printed, not only logged: scripts wait for this line whatever the log level.
        print(f"district: listening on http://{url_host}:{port}", flush=True)
        sdnotify.ready(f"listening on port {port}")
        sdnotify.start_watchdog(lambda: _answers_health(url_host, port))

    def on_exit(_server) -> None:
        sdnotify.stopping()

    bind = f"[{cfg.host}]:{port}" if ":" in cfg.host else f"{cfg.host}:{port}"
    HubServer(cfg, {
        "bind": bind, "workers": cfg.workers, "worker_class": "gthread", "threads": cfg.threads,
        "timeout": 60, "graceful_timeout": 10, "keepalive": 5, "when_ready": when_ready, "on_exit": on_exit,
        "accesslog": None, "errorlog": "-", "loglevel": "warning", "proc_name": "anjungan-district",
        "limit_request_line": 8190,
    }).run()
