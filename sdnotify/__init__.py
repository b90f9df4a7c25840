"""systemd service notifications (sd_notify) without a dependency: READY=1, WATCHDOG=1, STATUS=, STOPPING=1.

A tiny shared package: the edge server, the district hub and the kiosk all import it (it imports nothing of
ours, so no package rule is crossed). Outside systemd ($NOTIFY_SOCKET unset) every call does nothing and returns
False.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


def notify(message: str, environ: dict[str, str] | None = None) -> bool:
    """Send one datagram to $NOTIFY_SOCKET; True when it was sent."""
    address = (os.environ if environ is None else environ).get("NOTIFY_SOCKET", "")
    if not address or address[0] not in ("/", "@"):
        return False
    target = "\0" + address[1:] if address[0] == "@" else address  # "@name": Linux abstract socket
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(target)
            sock.sendall(message.encode())
    except OSError as exc:
        log.warning("sd_notify %s failed: %s", message.split("=", 1)[0], exc)
        return False
    return True


def ready(status: str = "") -> bool:
    """Tell systemd the service is up (Type=notify)."""
    return notify("READY=1" + (f"\nSTATUS={status}" if status else ""))


def stopping() -> bool:
    return notify("STOPPING=1")


def watchdog_interval(environ: dict[str, str] | None = None) -> float | None:
    """Seconds between WATCHDOG=1 pings (half of WatchdogSec), or None when no watchdog is set for us."""
    env = os.environ if environ is None else environ
    try:
        usec = int(env.get("WATCHDOG_USEC", "0"))
    except ValueError:
        return None
    pid = env.get("WATCHDOG_PID")
    if usec <= 0 or (pid and pid != str(os.getpid())):
        return None
    return usec / 2_000_000


def start_watchdog(healthy: Callable[[], bool] = lambda: True) -> threading.Thread | None:
    """Ping the watchdog from a daemon thread while ``healthy()`` says so; systemd restarts us when it does not.

    :param healthy: a quick self-check (e.g. the service answers its own health URL); an exception counts as
        unhealthy.
    """
    interval = watchdog_interval()
    if interval is None:
        return None
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            try:
                ok = healthy()
            except Exception as exc:  # noqa: BLE001 - any failure of the self-check means "do not ping"
                log.warning("watchdog self-check failed: %s", exc)
                ok = False
            if ok:
                notify("WATCHDOG=1")

    thread = threading.Thread(target=loop, name="sd-watchdog", daemon=True)
    thread.start()
    return thread
