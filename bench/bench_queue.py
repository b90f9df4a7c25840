"""Queue figures on the WSGI server that `serve` ships, side by side with a minimal reference server
(bench/reference_queue.py) in the same run: tickets/s, p50/p95, server CPU ms and bytes written per ticket at
concurrency 1, 8, 50 (median of REPEATS rounds, reference and edge interleaved) and their ratios; duplicates;
ticket CPU with 10,000 waiting against with none; call-to-board-event latency under 50 ticket takers; call-next
latency with 10,000 waiting; the server's memory."""
from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from anjungan_core.ids import time_ordered_uuid  # noqa: E402
from bench.common import cpu_seconds, emit, median, percentile, process_tree, rss_mib, write_bytes  # noqa: E402
from bench.load_client import run_load  # noqa: E402
from edge_server.sync.outbox import UNWRITTEN_COUNT  # noqa: E402
from tests.e2e.conftest import LISTENING, EdgeServerProcess  # noqa: E402
from tests.e2e.staff_session import staff_session  # noqa: E402

# tickets per round: a round of 1,000 at one kiosk lasted 0.3 s, short enough for the VM's noise to fall on one side
TICKETS_PER_LEVEL = int(os.environ.get("BENCH_TICKETS", "3000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
EDGE_WORKERS = os.environ.get("BENCH_EDGE_WORKERS", "2")  # the edge's `workers` setting under test
LEVELS = (1, 8, 50)
FIGURES = (("tps", "tickets/s", "tickets_per_second"), ("p50", "ms", "ticket_latency_p50"),
           ("p95", "ms", "ticket_latency_p95"), ("cpu_ms", "ms", "ticket_cpu_ms"),
           ("bytes", "bytes", "ticket_write_bytes"))


class Target:
    """A server under load: where to post a ticket, with which headers, and its process id."""

    def __init__(self, name: str, url: str, headers: dict, pid: int, idempotent: bool = False,
                 settle=lambda: None):
        self.name, self.url, self.headers, self.pid = name, url, headers, pid
        self.idempotent = idempotent  # send an Idempotency-Key, as the kiosk does (time-ordered, as the kiosk's)
        self.settle = settle  # waits until the work the load left behind is done, so its CPU is counted


def outbox_written(db_path: Path, timeout: float = 30.0) -> None:
    """Wait until the edge has written the ticket.issued events of every ticket (its background writer,
    edge_server/sync/outbox.py), so a round's CPU includes them."""
    con = sqlite3.connect(db_path, timeout=30)
    try:
        deadline = time.monotonic() + timeout
        while con.execute(UNWRITTEN_COUNT).fetchone()[0]:
            if time.monotonic() > deadline:
                raise RuntimeError("the edge did not write its ticket.issued events")
            time.sleep(0.02)
    finally:
        con.close()


def take_tickets(target: Target, concurrency: int, total: int) -> dict:
    """`total` tickets from `concurrency` kiosks at once (bench/load_client.py), with the server's CPU and
    bytes written over the run."""
    extra = (lambda: {"Idempotency-Key": time_ordered_uuid()}) if target.idempotent else dict
    cpu0, io0 = cpu_seconds(target.pid), write_bytes(target.pid)
    result = run_load(target.url, concurrency=concurrency, total=total, headers=target.headers,
                      body=lambda i: {"service": "ABC"[i % 3]}, extra_headers=extra)
    target.settle()
    bad = [s for s in result.statuses if s not in (200, 201)]
    if bad:
        raise RuntimeError(f"{target.name}: {len(bad)} answers were not 201 (first: {bad[0]})")
    n = len(result.latencies)
    return {"tps": n / result.elapsed, "p50": percentile(result.latencies, 50) * 1000,
            "p95": percentile(result.latencies, 95) * 1000,
            "cpu_ms": (cpu_seconds(target.pid) - cpu0) * 1000 / n,
            "bytes": (write_bytes(target.pid) - io0) / n, "numbers": [b["ticket"]["number"] for b in result.bodies]}


def tree_rss_mib(pid: int) -> float:
    return sum(rss_mib(p) for p in process_tree(pid))


def start_reference(data_dir: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "reference_queue.py"), str(data_dir / "ref.db")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    match = LISTENING.search(line)
    if not match:
        proc.kill()
        raise RuntimeError(f"reference server did not start: {line}{proc.stdout.read()}")
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    return proc, match.group(1)


def fill_waiting(db_path: Path, count: int) -> int:
    """Insert `count` waiting tickets for service A directly (a busy day's backlog), shaped as the edge makes them
    (time-ordered ids, tracking tokens of the kind the partial index skips); return the newest one's rowid."""
    from edge_server.queue.track_tokens import Place, new_token

    con = sqlite3.connect(db_path, timeout=30)
    service_id = con.execute("select id from service where code='A'").fetchone()[0]
    today = datetime.now(timezone(timedelta(hours=7))).date()
    start = con.execute("select coalesce(max(number), 0) from ticket where issued_service_id=? and "
                        "business_date=?", (service_id, today.isoformat())).fetchone()[0]
    now = datetime.utcnow()
    rows = [(time_ordered_uuid(), service_id, service_id, today.isoformat(), start + i + 1, 0, "waiting",
             (now - timedelta(seconds=60) + timedelta(milliseconds=i)).isoformat(sep=" "), 0,
             new_token(Place(service_id, today, start + i + 1)), "kiosk", "") for i in range(count)]
    con.executemany("insert into ticket (id, service_id, issued_service_id, business_date, number, priority, "
                    "status, issued_at, recall_count, track_token, source, print_error) "
                    "values (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.execute("update queue_tally set last_number=? where service_id=? and business_date=?",
                (start + count, service_id, today.isoformat()))
    con.commit()
    (top,) = con.execute("select max(rowid) from ticket").fetchone()
    con.close()
    return top


def waiting_only_up_to(db_path: Path, rowid: int) -> int:
    """Cancel every waiting ticket after `rowid` (those a round took), so the next round starts with exactly the
    tickets up to it waiting; return how many wait (the tally's triggers keep its counts)."""
    con = sqlite3.connect(db_path, timeout=30)
    try:
        con.execute("update ticket set status = 'cancelled' where status = 'waiting' and rowid > ?", (rowid,))
        con.commit()
        return con.execute("select count(*) from ticket where status = 'waiting'").fetchone()[0]
    finally:
        con.close()


def _take_until_stopped(url: str, headers: dict, takers: int) -> None:
    """Run in a process of its own: `takers` kiosks taking tickets (the lean client) until terminated."""
    run_load(url, concurrency=takers, total=takers * 1_000_000, headers=headers,
             body=lambda i: {"service": "ABC"[i % 3]}, extra_headers=lambda: {"Idempotency-Key": time_ordered_uuid()})


def tickets_taken(db_path: Path) -> int:
    con = sqlite3.connect(db_path)
    try:
        return con.execute("select count(*) from ticket").fetchone()[0]
    finally:
        con.close()


def call_to_board(server: EdgeServerProcess, session, calls: int = 30,
                  takers: int = 50) -> tuple[list[float], list[float], float]:
    """Seconds from a call-next request to its event on the board's stream, while `takers` kiosks take tickets;
    and of that, the seconds from the call-next answer to the event; and the takers' tickets per second.

    The takers are the lean load client in a process of their own: as threads of this one (`requests`, 50 of
    them) they held this process's GIL, so the board reader and the call-next measured their wait for it."""
    arrived: dict[str, float] = {}
    seen = threading.Condition()
    stream = requests.get(f"{server.url}/display/events", stream=True, timeout=60)

    def read_stream() -> None:
        try:
            for line in stream.iter_lines():
                if line.startswith(b"data: "):
                    event = json.loads(line[6:])
                    with seen:
                        arrived[event["ticket_id"]] = time.perf_counter()
                        seen.notify_all()
        except (requests.RequestException, AttributeError, OSError):  # the stream is closed at the end
            return

    load = multiprocessing.get_context("spawn").Process(
        target=_take_until_stopped, args=(f"{server.url}/api/v1/tickets", server.kiosk_headers, takers), daemon=True)
    load.start()
    threading.Thread(target=read_stream, daemon=True).start()
    time.sleep(2.0)  # the load process is up and all its kiosks are taking tickets
    latencies, after_answer = [], []
    taken, since = tickets_taken(server.data_dir / "edge.sqlite3"), time.perf_counter()
    try:
        for _ in range(calls):
            t0 = time.perf_counter()
            r = session.post(f"{server.url}/staff/api/counters/1/call-next", json={}, timeout=30)
            answered = time.perf_counter()
            r.raise_for_status()
            ticket_id = r.json()["ticket"]["id"]
            with seen:
                seen.wait_for(lambda wanted=ticket_id: wanted in arrived, timeout=10)
            latencies.append(arrived.get(ticket_id, t0 + 10) - t0)
            after_answer.append(max(0.0, arrived.get(ticket_id, t0 + 10) - answered))
            time.sleep(0.2)
        rate = (tickets_taken(server.data_dir / "edge.sqlite3") - taken) / (time.perf_counter() - since)
    finally:
        load.terminate()
        load.join(30)
        stream.close()
    return latencies, after_answer, rate


def main() -> None:
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        server = EdgeServerProcess(Path(tmp) / "edge", env={"ANJUNGAN_WORKERS": EDGE_WORKERS}).start()
        emit("edge_workers", int(EDGE_WORKERS), "processes")
        ref_proc, ref_url = start_reference(Path(tmp))
        try:
            time.sleep(1)
            emit("edge_rss_idle", round(tree_rss_mib(server.proc.pid), 1), "MiB")
            targets = [Target("reference", f"{ref_url}/tickets", {}, ref_proc.pid),
                       Target("edge", f"{server.url}/api/v1/tickets", server.kiosk_headers, server.proc.pid,
                              idempotent=True, settle=lambda: outbox_written(server.data_dir / "edge.sqlite3"))]
            rounds: dict[tuple[str, int], list[dict]] = {}
            numbers: list[str] = []
            for _ in range(REPEATS):
                for concurrency in LEVELS:
                    for target in targets:
                        result = take_tickets(target, concurrency, TICKETS_PER_LEVEL)
                        rounds.setdefault((target.name, concurrency), []).append(result)
                        if target.name == "edge":
                            numbers.extend(result["numbers"])
            figures = {}
            for (name, concurrency), results in rounds.items():
                prefix = "ref_" if name == "reference" else ""
                for key, unit, label in FIGURES:
                    value = median([r[key] for r in results])
                    figures[(name, concurrency, key)] = value
                    emit(f"{prefix}{label}_c{concurrency}", round(value, 2), unit)
            for concurrency in LEVELS:
                for key, label in (("tps", "throughput"), ("p95", "p95"), ("cpu_ms", "cpu_per_ticket"),
                                   ("bytes", "write_bytes_per_ticket")):
                    ours, theirs = figures[("edge", concurrency, key)], figures[("reference", concurrency, key)]
                    emit(f"ratio_{label}_c{concurrency}", round(ours / theirs, 2) if theirs else None, "edge/reference")
            emit("ticket_duplicates", len(numbers) - len(set(numbers)), "tickets")
            emit("edge_rss_after_load", round(tree_rss_mib(server.proc.pid), 1), "MiB")

            edge = targets[1]
            # more rounds than the levels: the figure is a 10 % bound, and one round here varies by 20 %
            rounds_10k = max(REPEATS, 5)
            db_path = server.data_dir / "edge.sqlite3"

            def rounds_from(backlog_top: int, waiting: int) -> list[float]:
                """Rounds that each start with exactly `waiting` tickets waiting (the backlog up to its rowid)."""
                cpu = []
                for _ in range(rounds_10k):
                    if waiting_only_up_to(db_path, backlog_top) != waiting:
                        raise RuntimeError(f"a round did not start with {waiting} tickets waiting")
                    cpu.append(take_tickets(edge, 8, TICKETS_PER_LEVEL)["cpu_ms"])
                return cpu

            no_backlog = rounds_from(0, 0)
            waiting_only_up_to(db_path, 0)  # the last round's tickets: not part of the backlog
            top = fill_waiting(db_path, 10_000)
            outbox_written(db_path)  # the backlog's events, as if taken earlier
            backlog = rounds_from(top, 10_000)
            emit("ticket_cpu_ms_c8_0_waiting", round(median(no_backlog), 3), "ms")
            emit("ticket_cpu_ms_c8_with_10k_waiting", round(median(backlog), 3), "ms")
            emit("ratio_ticket_cpu_10k_waiting", round(median(backlog) / median(no_backlog), 2), "with/without")

            admin = server.staff_user("admin")
            session, _csrf = staff_session(server.url, admin["username"], admin["password"])
            board, after_answer, takers_rate = call_to_board(server, session)
            emit("call_to_board_takers_tickets_per_second", round(takers_rate), "tickets/s")
            emit("call_to_board_p50_c50", round(percentile(board, 50) * 1000, 1), "ms")
            emit("call_to_board_p95_c50", round(percentile(board, 95) * 1000, 1), "ms")
            emit("call_answer_to_board_p95_c50", round(percentile(after_answer, 95) * 1000, 1), "ms")
            lat = []
            for _ in range(50):
                t0 = time.perf_counter()
                r = session.post(f"{server.url}/staff/api/counters/1/call-next", json={}, timeout=30)
                lat.append(time.perf_counter() - t0)
                r.raise_for_status()
                assert r.json()["ticket"] is not None
            emit("call_next_p50_10k_waiting", round(percentile(lat, 50) * 1000, 1), "ms")
            emit("call_next_p95_10k_waiting", round(percentile(lat, 95) * 1000, 1), "ms")
            emit("edge_rss_with_10k_waiting", round(tree_rss_mib(server.proc.pid), 1), "MiB")
        finally:
            ref_proc.terminate()
            ref_proc.wait(10)
            server.stop()


if __name__ == "__main__":
    main()
