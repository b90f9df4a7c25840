"""Queue figures on the WSGI server that `serve` ships: tickets/s and latency at concurrency 1, 8, 50,
duplicates, call-next latency with 10,000 waiting, and the server's memory idle and under load."""
from __future__ import annotations

import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import emit, percentile, rss_mib  # noqa: E402
from tests.e2e.conftest import EdgeServerProcess  # noqa: E402
from tests.e2e.staff_session import staff_session  # noqa: E402

TICKETS_PER_LEVEL = 400


def take_tickets(server: EdgeServerProcess, concurrency: int, total: int) -> tuple[float, list[float], list[str]]:
    url = f"{server.url}/api/v1/tickets"
    latencies: list[float] = []
    numbers: list[str] = []
    lock = threading.Lock()
    per_worker = total // concurrency

    def worker(i: int) -> None:
        with requests.Session() as s:
            s.headers.update(server.kiosk_headers)
            for j in range(per_worker):
                t0 = time.perf_counter()
                r = s.post(url, json={"service": "ABC"[(i + j) % 3]}, timeout=60)
                dt = time.perf_counter() - t0
                r.raise_for_status()
                with lock:
                    latencies.append(dt)
                    numbers.append(r.json()["ticket"]["number"])

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, range(concurrency)))
    return time.perf_counter() - t0, latencies, numbers


def fill_waiting(db_path: Path, count: int) -> None:
    """Insert `count` waiting tickets for service A directly (a busy day's backlog)."""
    con = sqlite3.connect(db_path)
    service_id = con.execute("select id from service where code='A'").fetchone()[0]
    today = datetime.now(timezone(timedelta(hours=7))).date().isoformat()
    start = con.execute("select coalesce(max(number), 0) from ticket where issued_service_id=? and "
                        "business_date=?", (service_id, today)).fetchone()[0]
    now = datetime.utcnow()
    rows = [(str(uuid.uuid4()), service_id, service_id, today, start + i + 1, 0, "waiting",
             (now + timedelta(milliseconds=i)).isoformat(sep=" "), 0, uuid.uuid4().hex, "kiosk", "")
            for i in range(count)]
    con.executemany("insert into ticket (id, service_id, issued_service_id, business_date, number, priority, "
                    "status, issued_at, recall_count, track_token, source, print_error) values (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.execute("update ticket_sequence set last_number=? where service_id=? and business_date=?",
                (start + count, service_id, today))
    con.commit()
    con.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = EdgeServerProcess(Path(tmp) / "edge").start()
        try:
            time.sleep(1)
            emit("edge_rss_idle", round(rss_mib(server.proc.pid), 1), "MiB")
            for concurrency in (1, 8, 50):
                elapsed, lat, numbers = take_tickets(server, concurrency, TICKETS_PER_LEVEL)
                duplicates = len(numbers) - len(set(numbers))
                emit(f"tickets_per_second_c{concurrency}", round(len(lat) / elapsed, 1), "tickets/s")
                emit(f"ticket_latency_p50_c{concurrency}", round(percentile(lat, 50) * 1000, 1), "ms")
                emit(f"ticket_latency_p95_c{concurrency}", round(percentile(lat, 95) * 1000, 1), "ms")
                emit(f"ticket_duplicates_c{concurrency}", duplicates, "tickets")
            emit("edge_rss_after_load", round(rss_mib(server.proc.pid), 1), "MiB")
            fill_waiting(server.data_dir / "edge.sqlite3", 10_000)
            admin = server.staff_user("admin")
            session, _csrf = staff_session(server.url, admin["username"], admin["password"])
            lat = []
            for _ in range(50):
                t0 = time.perf_counter()
                r = session.post(f"{server.url}/staff/api/counters/1/call-next", json={}, timeout=30)
                lat.append(time.perf_counter() - t0)
                r.raise_for_status()
                assert r.json()["ticket"] is not None
            emit("call_next_p50_10k_waiting", round(percentile(lat, 50) * 1000, 1), "ms")
            emit("call_next_p95_10k_waiting", round(percentile(lat, 95) * 1000, 1), "ms")
            emit("edge_rss_with_10k_waiting", round(rss_mib(server.proc.pid), 1), "MiB")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
