"""Public-page figures, one JSON object per line ({"name", "value", "unit"}), on PostgreSQL, in one process:

- ingest of a busy village day (about 900 events in batches of 250) with the public-pages projection and without
  it (the projection replaced by a no-op), and their ratio;
- the median time of a hub /t/<token> page and its size in bytes, with that day's queue in the tables.

PostgreSQL: DATABASE_URL when set (a fresh database is created and dropped), else a throwaway cluster (initdb).
"""
from __future__ import annotations

import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_sync import as_events, emit, village_day  # noqa: E402
from edge_server.sync.batching import batch_body  # noqa: E402
from edge_server.sync.public_links import token_digest  # noqa: E402
from tests.district.helpers import sign  # noqa: E402

DAYS = 8


def post(client, code: str, secret: str, events: list[dict]) -> None:
    body = batch_body(code, events)
    ts = int(time.time())
    answer = client.post("/api/v1/sync/batches", data=body, headers={
        "X-Anjungan-Village": code, "X-Anjungan-Timestamp": str(ts), "X-Anjungan-Signature": sign(secret, ts, body)})
    assert answer.status_code == 200, answer.data


def ingest_seconds(client, code: str, secret: str, events: list[dict]) -> float:
    began = time.perf_counter()
    for start in range(0, len(events), 250):
        post(client, code, secret, events[start:start + 250])
    return time.perf_counter() - began


def main() -> int:
    from district import create_app, ingest
    from district.config import load_config
    from district.registry import add_village
    from tests.conftest_pg import postgres_url

    pg = postgres_url()
    database_url = next(pg)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-public-") as tmp:
            app = create_app(load_config(env={}, data_dir=tmp, database_url=database_url))
            now = datetime.now(timezone.utc).replace(tzinfo=None)
            with app.app_context():
                keys = {code: add_village(code, code, now)[1] for code in ("33.17.09.2001", "33.17.09.2002")}
            client = app.test_client()
            real = ingest.project
            with_projection, without = [], []
            seq = {code: 1 for code in keys}
            token = secrets.token_urlsafe(18)
            for n in range(DAYS):
                day = date(2026, 11, 2 + n)
                for code, out in (("33.17.09.2001", with_projection), ("33.17.09.2002", without)):
                    raw = village_day(day)
                    for item in raw:
                        if item["type"] == "ticket.issued":
                            item["data"] = {**item["data"], "service_name": "Administrasi",
                                            "track_hash": token_digest(secrets.token_urlsafe(18))}
                    if code.endswith("1") and n == DAYS - 1:  # the page we time: the day's last ticket
                        last = [item for item in raw if item["type"] == "ticket.issued"][-1]
                        last["data"]["track_hash"] = token_digest(token)
                    events = as_events(raw, seq[code], day)
                    seq[code] += len(events)
                    ingest.project = real if out is with_projection else (lambda *_args: None)
                    out.append(len(events) / ingest_seconds(client, code, keys[code], events))
            ingest.project = real
            on, off = statistics.median(with_projection), statistics.median(without)
            emit("hub_ingest_with_public_projection", on, "events/s")
            emit("hub_ingest_without_public_projection", off, "events/s")
            emit("hub_ingest_projection_ratio", on / off, "ratio")
            timings, size = [], 0
            for _ in range(50):
                began = time.perf_counter()
                answer = client.get(f"/t/{token}")
                timings.append(time.perf_counter() - began)
                size = len(answer.data)
            emit("hub_ticket_page_median", statistics.median(timings) * 1000, "ms")
            emit("hub_ticket_page_size", size, "bytes")
            assert answer.status_code == 200, answer.status_code
    finally:
        pg.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
