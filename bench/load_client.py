"""A lean HTTP/1.1 load generator for the queue benchmark: asyncio streams, one keep-alive connection per
simulated kiosk, each sending its next ticket as soon as the last one is answered (a closed loop).

Why not `requests` in threads: on this 2-core machine it costs about 0.5 ms of CPU per request and saturates near
1,500 requests/s, the speed of a Flask app that does nothing, so it measured itself rather than the servers.
This one costs a few tens of microseconds per request, so the server is what runs out first.
"""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from urllib.parse import urlsplit


class LoadResult:
    def __init__(self):
        self.latencies: list[float] = []  # seconds per ticket
        self.bodies: list[dict] = []
        self.statuses: list[int] = []
        self.elapsed = 0.0


async def _kiosk(host: str, port: int, path: str, headers: dict, body: Callable[[int], dict],
                 extra_headers: Callable[[], dict], count: int, offset: int, out: LoadResult) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    fixed = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    try:
        for i in range(count):
            payload = json.dumps(body(offset + i)).encode()
            extra = "".join(f"{k}: {v}\r\n" for k, v in extra_headers().items())
            request = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                       f"Content-Length: {len(payload)}\r\n{fixed}{extra}\r\n").encode() + payload
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _sep, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            data = await reader.readexactly(length)
            out.latencies.append(time.perf_counter() - started)
            out.statuses.append(status)
            out.bodies.append(json.loads(data) if data else {})
    finally:
        writer.close()


def run_load(url: str, *, concurrency: int, total: int, headers: dict | None = None,
             body: Callable[[int], dict] = lambda i: {}, extra_headers: Callable[[], dict] = dict) -> LoadResult:
    """POST `total` requests to `url` from `concurrency` connections at once; returns what came back."""
    parts = urlsplit(url)
    out = LoadResult()
    per = total // concurrency

    async def main() -> None:
        started = time.perf_counter()
        await asyncio.gather(*(_kiosk(parts.hostname, parts.port, parts.path, headers or {}, body, extra_headers,
                                      per, k * per, out) for k in range(concurrency)))
        out.elapsed = time.perf_counter() - started

    asyncio.run(main())
    return out
