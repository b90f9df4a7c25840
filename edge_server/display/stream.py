"""Server-sent events for the board: polls the CallEvent table and writes each new call as one event.

Waitress serves each stream on one of its worker threads, so streams are few (bounded by `StreamHub`) and each
ends on its own: at server shutdown, when the client goes away (the next write fails), or after `max_seconds`
(the board reconnects with Last-Event-ID and misses nothing). Between polls no database connection is held.
"""
from __future__ import annotations

import json
import os
import select
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

POLL_SECONDS = 0.05  # a stat of the WAL file when nothing moved: a call reaches the board within ~0.05 s
HEARTBEAT_SECONDS = 15.0
# Where the server cannot tell that a client hung up (granian: `peer_gone` is None), writes find it out: the
# first write after a hang-up still succeeds, the next fails, so a slot is free within two of these.
BLIND_HEARTBEAT_SECONDS = 2.0
MAX_STREAM_SECONDS = 900.0
RETRY_MILLISECONDS = 3000


class StreamHub:
    """What the open streams share: a stop signal and bounds on how many may hold a worker thread.

    Strangers cannot lock the real board out: `reserved` slots are only for boards (the TV's paired browser or
    this machine itself), and one address may hold at most `per_client` anonymous streams.
    """

    def __init__(self, max_streams: int, per_client: int = 2, reserved: int = 2):
        self.max_streams = max_streams
        self.per_client = per_client
        self.reserved = min(reserved, max_streams)
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self.open_streams = 0
        self._by_client: dict[str, int] = {}

    def try_open(self, client: str = "", board: bool = False) -> bool:
        with self._lock:
            if board:
                allowed = self.open_streams < self.max_streams
            else:
                allowed = (self.open_streams < self.max_streams - self.reserved
                           and self._by_client.get(client, 0) < self.per_client)
            if not allowed:
                return False
            self.open_streams += 1
            self._by_client[client] = self._by_client.get(client, 0) + 1
            return True

    def closer(self, client: str = "") -> Callable[[], None]:
        """A callback that gives the stream's slot back exactly once."""
        done = threading.Event()

        def close() -> None:
            if not done.is_set():
                done.set()
                with self._lock:
                    self.open_streams -= 1
                    left = self._by_client.get(client, 1) - 1
                    if left > 0:
                        self._by_client[client] = left
                    else:
                        self._by_client.pop(client, None)

        return close

    def stop(self) -> None:
        """End every stream at its next poll (server shutdown)."""
        self.stopping.set()


def peer_gone(environ: dict) -> Callable[[], bool] | None:
    """A cheap test, for each poll, of whether the client has hung up, so its slot is free within a poll rather
    than at the next failed heartbeat write. Waitress (with `channel_request_lookahead`) says so itself; under
    gunicorn the client socket is polled for a hang-up (works under TLS too: no bytes are read). None where the
    server tells the app neither (granian, `workers` > 1 or HTTPS): the stream then writes a heartbeat every
    BLIND_HEARTBEAT_SECONDS, and the failed write ends it."""
    waitress_says = environ.get("waitress.client_disconnected")
    if callable(waitress_says):
        return waitress_says
    sock = environ.get("gunicorn.socket")
    if sock is None or not hasattr(select, "poll"):
        return None
    poller = select.poll()
    poller.register(sock.fileno(), getattr(select, "POLLRDHUP", 0) | select.POLLHUP | select.POLLERR)

    def gone() -> bool:
        try:
            return bool(poller.poll(0))
        except (OSError, ValueError):
            return True

    return gone


class DatabaseWatch:
    """Tells cheaply whether the SQLite database may have changed since the last look, without opening it.

    In WAL mode every commit writes to `<db>-wal`, so its size or mtime moves; a `stat` costs microseconds
    where opening a connection and querying costs milliseconds on a Raspberry Pi. Every `fallback` seconds the
    answer is yes anyway, in case two writes ever left the same size and time stamp.
    """

    def __init__(self, database_path: str | os.PathLike, fallback: float = 5.0,
                 monotonic: Callable[[], float] = time.monotonic):
        path = Path(database_path)
        self.paths = (path, path.with_name(path.name + "-wal"))
        self.fallback = fallback
        self.monotonic = monotonic
        self._seen: tuple | None = None
        self._last_yes = 0.0

    def _signature(self) -> tuple:
        out = []
        for path in self.paths:
            try:
                st = path.stat()
                out.append((st.st_size, st.st_mtime_ns, st.st_ino))
            except FileNotFoundError:
                out.append(None)
        return tuple(out)

    def changed(self) -> bool:
        signature, now = self._signature(), self.monotonic()
        if signature != self._seen or now - self._last_yes >= self.fallback:
            self._seen, self._last_yes = signature, now
            return True
        return False


def sse_event(event: dict) -> str:
    """One call in the text/event-stream format, its id being the CallEvent id."""
    return f"id: {event['id']}\nevent: call\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"


def call_stream(fetch_after: Callable[[int], list[dict]], last_id: int, hub: StreamHub, *,
                poll: float = POLL_SECONDS, heartbeat: float = HEARTBEAT_SECONDS,
                max_seconds: float = MAX_STREAM_SECONDS,
                monotonic: Callable[[], float] = time.monotonic,
                gone: Callable[[], bool] = lambda: False) -> Iterator[str]:
    """Yield SSE text: a retry hint, then every call after `last_id` as it appears, with comment heartbeats.

    :param fetch_after: returns the calls after an id, oldest first; it opens and closes its own connection.
    :param gone: True once the client has hung up (see `peer_gone`); the stream then ends at once.
    """
    yield f"retry: {RETRY_MILLISECONDS}\n: anjungan board stream\n\n"
    started = last_write = monotonic()
    while not hub.stopping.is_set():
        events = fetch_after(last_id)
        for event in events:
            last_id = event["id"]
            yield sse_event(event)
        now = monotonic()
        if events:
            last_write = now
            continue  # there may be more right behind them
        if now - last_write >= heartbeat:
            yield ": heartbeat\n\n"  # keeps proxies and the TV's connection awake; finds a dead client
            last_write = now
        if now - started >= max_seconds or gone():
            return
        hub.stopping.wait(poll)
