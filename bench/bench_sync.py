"""Sync figures, one JSON object per line ({"name", "value", "unit"}):

- district ingest rate on PostgreSQL, 50 villages sending at once (gunicorn, 4 workers), beside a minimal reference
  receiver's on the same batches (bench/reference_ingest.py), with the ratios;
- bytes per event on the wire (gzip body) for a realistic village day, sent live every 15 s and in catch-up batches;
- catch-up time for a village offline for 7 days (about 3,000 events), edge worker to a real hub over HTTP.

PostgreSQL: DATABASE_URL when set (a fresh database is created and dropped), else a throwaway cluster (initdb).
"""
from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import cpu_seconds, median  # noqa: E402
from edge_server.sync.batching import batch_body, compress, event_json, take_batch  # noqa: E402
from edge_server.sync.signing import signed_headers  # noqa: E402

VILLAGES = 50
BATCHES_PER_VILLAGE = 6
EVENTS_PER_BATCH = 250


def emit(name: str, value: float, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 2), "unit": unit}), flush=True)


# ---- a realistic village day -------------------------------------------------------------------------------

def village_day(day: date, tickets: int = 300, letters: int = 30, rand: random.Random | None = None) -> list[dict]:
    """The events of one busy day: tickets issued, called, finished or no-show; letters; device changes."""
    rand = rand or random.Random(7)
    start = datetime.combine(day, datetime.min.time()) + timedelta(hours=1)  # 08:00 WIB in UTC
    raw: list[tuple[datetime, str, dict]] = []
    for n in range(tickets):
        service = rand.choice("AAABBC")
        issued = start + timedelta(seconds=n * 90 + rand.randint(0, 60))
        ticket_id = str(uuid.uuid4())
        raw.append((issued, "ticket.issued", {"ticket_id": ticket_id, "service": service,
                                              "number": f"{service}-{n + 1:03d}", "priority": rand.random() < 0.1,
                                              "source": "kiosk"}))
        wait = rand.randint(60, 1800)
        raw.append((issued + timedelta(seconds=wait), "ticket.called",
                    {"ticket_id": ticket_id, "service": service, "counter": rand.randint(1, 2),
                     "wait_seconds": wait}))
        if rand.random() < 0.93:
            raw.append((issued + timedelta(seconds=wait + 300), "ticket.finished",
                        {"ticket_id": ticket_id, "service": service, "service_seconds": rand.randint(60, 600)}))
        else:
            raw.append((issued + timedelta(seconds=wait + 120), "ticket.no_show",
                        {"ticket_id": ticket_id, "service": service}))
    for n in range(letters):
        at = start + timedelta(minutes=rand.randint(0, 420))
        letter_id = str(uuid.uuid4())
        raw.append((at, "letter.requested", {"letter_id": letter_id, "reference": f"SRT-2611-{n + 1:04d}",
                                             "type": rand.choice(["S-41", "S-11", "500", "S-01"]),
                                             "source": "kiosk", "status": 1}))
        raw.append((at + timedelta(minutes=90), "letter.status_changed",
                    {"letter_id": letter_id, "type": "S-41", "from": 1, "to": 2,
                     "letter_number": f"S-41/{n + 1:03d}/33.17.09.2016/XI/2026"}))
    for n in range(6):
        raw.append((start + timedelta(minutes=60 * n), "device.status",
                    {"device_id": 1, "device": "Kiosk Lobi", "kind": "kiosk", "online": True,
                     "printer": {"online": True, "paper": "low" if n % 2 else "ok"}, "scanner": {"connected": True}}))
    raw.sort(key=lambda item: item[0])
    return [{"at": at, "type": t, "data": d} for at, t, d in raw]


def as_events(day_events: list[dict], first_seq: int, day: date) -> list[dict]:
    return [event_json(str(uuid.uuid4()), first_seq + i, e["type"], e["at"], day, e["data"])
            for i, e in enumerate(day_events)]


def wire_bytes(village: str = "33.17.09.2016") -> None:
    day = date(2026, 11, 2)
    events = as_events(village_day(day), 1, day)
    batched = 0
    rest = events
    while rest:
        batch = take_batch(rest)
        batched += len(compress(batch_body(village, batch)))
        rest = rest[len(batch):]
    emit("sync_bytes_per_event_catchup_batches", batched / len(events), "bytes/event")
    # Live: the worker sends every 15 s whatever happened since; group events into 15-second windows.
    windows: dict[int, list[dict]] = {}
    raw = village_day(day)
    for event, item in zip(events, raw, strict=True):
        windows.setdefault(int(item["at"].timestamp()) // 15, []).append(event)
    live_body = sum(len(compress(batch_body(village, batch))) for batch in windows.values())
    headers = sum(len("\r\n".join(f"{k}: {v}" for k, v in signed_headers(village, "s" * 43, 1_800_000_000,
                                                                         b"", gzipped=True).items())) + 200
                  for _batch in windows.values())  # + request line, Host, Content-Length, User-Agent...
    emit("sync_bytes_per_event_live_15s_body", live_body / len(events), "bytes/event")
    emit("sync_bytes_per_event_live_15s_with_headers", (live_body + headers) / len(events), "bytes/event")


# ---- a hub on PostgreSQL -----------------------------------------------------------------------------------

def start_listening(cmd: list[str], log: Path, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """Start a server with its output in `log`; wait for its `listening on http://HOST:PORT` line (its URL)."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 60
    while not (found := re.search(r"listening on (http://[\d.]+:\d+)", log.read_text())):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(log.read_text())
        time.sleep(0.1)
    return proc, found.group(1)


def start_hub(database_url: str, data_dir: Path, workers: int = 4) -> tuple[subprocess.Popen, str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    return start_listening([sys.executable, "-m", "district", "serve", "--data-dir", str(data_dir),
                            "--database-url", database_url, "--host", "127.0.0.1", "--port", "0",
                            "--workers", str(workers)], data_dir / "hub.log",
                           env={**os.environ, "DISTRICT_LOG_LEVEL": "WARNING"})


def register(database_url: str, codes: list[str]) -> dict[str, str]:
    from district.db import migrate, open_database
    from district.registry import add_village

    db = open_database(database_url, "/nonexistent")
    migrate(db)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    secrets = {code: add_village(code, f"Desa {code[-4:]}", now)[1] for code in codes}
    db.close_all()
    return secrets


def postmaster_pid(database_url: str) -> int:
    """The PostgreSQL server process behind `database_url` (its backends and helpers are its children)."""
    import psycopg2

    con = psycopg2.connect(database_url)
    try:
        with con.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        # Read while the connection is open: a closed connection's backend exits and its /proc entry goes.
        with open(f"/proc/{backend}/status") as fh:
            return int(next(line.split()[1] for line in fh if line.startswith("PPid:")))
    finally:
        con.close()


ROUNDS = 3  # alternated hub and reference rounds, each on new events; the figures are their medians


def round_bodies(secrets: dict[str, str], round_no: int) -> dict[str, list[bytes]]:
    """Each village's gzip batches for one round: a new day's events, seqs following the round before."""
    day = date(2026, 11, 2) + timedelta(days=round_no)
    per_village = BATCHES_PER_VILLAGE * EVENTS_PER_BATCH
    raw = village_day(day, tickets=1000, letters=40, rand=random.Random(round_no))[:per_village]
    if len(raw) < per_village:
        raise RuntimeError(f"a village day has {len(raw)} events, fewer than the {per_village} a round sends")
    bodies = {}
    for code in secrets:
        events = as_events(raw, 1 + round_no * per_village, day)  # new ids for every village
        bodies[code] = [compress(batch_body(code, events[i:i + EVENTS_PER_BATCH]))
                        for i in range(0, len(events), EVENTS_PER_BATCH)]
    return bodies


def ingest_once(url: str, bodies: dict[str, list[bytes]], secrets: dict[str, str], server_pid: int,
                pg_pid: int) -> dict[str, float]:
    """Every village sends its batches at once, one connection each: events per second, and the CPU per event of
    the server's processes and PostgreSQL's over the same run."""
    import requests

    total = len(bodies) * BATCHES_PER_VILLAGE * EVENTS_PER_BATCH
    errors: list[str] = []
    start_gate = threading.Event()

    def village(code: str) -> None:
        session = requests.Session()
        start_gate.wait()
        for body in bodies[code]:
            headers = signed_headers(code, secrets[code], int(time.time()), body, gzipped=True)
            answer = session.post(url, data=body, headers=headers, timeout=120)
            if answer.status_code != 200:
                errors.append(f"{code}: {answer.status_code} {answer.text[:200]}")

    threads = [threading.Thread(target=village, args=(code,)) for code in bodies]
    for thread in threads:
        thread.start()
    server_cpu, pg_cpu = cpu_seconds(server_pid), cpu_seconds(pg_pid)
    began = time.perf_counter()
    start_gate.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    server_cpu, pg_cpu = cpu_seconds(server_pid) - server_cpu, cpu_seconds(pg_pid) - pg_cpu
    if errors:
        raise RuntimeError(f"{len(errors)} batches refused by {url}, e.g. {errors[0]}")
    return {"rate": total / elapsed, "server_us": server_cpu / total * 1e6, "pg_us": pg_cpu / total * 1e6}


def ingest_rate(hub_url: str, ref_url: str, secrets: dict[str, str], hub_pid: int, ref_pid: int,
                pg_pid: int) -> None:
    """The hub's ingest beside the reference receiver's (bench/reference_ingest.py), alternated rounds on the same
    batches. Read the ratios: the machine's speed moves both."""
    runs: dict[str, list[dict]] = {"hub": [], "ref": []}
    for round_no in range(ROUNDS):
        bodies = round_bodies(secrets, round_no)
        servers = [("hub", f"{hub_url}/api/v1/sync/batches", hub_pid), ("ref", f"{ref_url}/batches", ref_pid)]
        for name, url, pid in servers[::1 if round_no % 2 == 0 else -1]:  # who goes first alternates
            runs[name].append(ingest_once(url, bodies, secrets, pid, pg_pid))
    figures = {name: {key: median([run[key] for run in done]) for key in done[0]} for name, done in runs.items()}
    hub, ref = figures["hub"], figures["ref"]
    emit("district_ingest_rate_postgres_50_villages", hub["rate"], "events/s")
    emit("district_ingest_cpu_per_event_hub", hub["server_us"], "us/event")
    emit("district_ingest_cpu_per_event_postgres", hub["pg_us"], "us/event")
    emit("ref_ingest_rate_postgres_50_villages", ref["rate"], "events/s")
    emit("ref_ingest_cpu_per_event_server", ref["server_us"], "us/event")
    emit("ref_ingest_cpu_per_event_postgres", ref["pg_us"], "us/event")
    emit("ratio_ingest_rate", hub["rate"] / ref["rate"], "hub/reference")
    emit("ratio_ingest_cpu_per_event", (hub["server_us"] + hub["pg_us"]) / (ref["server_us"] + ref["pg_us"]),
         "hub/reference")


def start_reference(database_url: str, codes_secrets: dict[str, str], workdir: Path) -> tuple[subprocess.Popen, str]:
    from bench.reference_ingest import prepare

    prepare(database_url, list(codes_secrets))
    secrets_file = workdir / "ref-secrets.json"
    secrets_file.write_text(json.dumps(codes_secrets))
    return start_listening([sys.executable, str(ROOT / "bench" / "reference_ingest.py"), database_url,
                            str(secrets_file)], workdir / "ref.log")


def catch_up(url: str, secret: str, workdir: Path) -> None:
    """A village offline for 7 days (~430 events a day) sends its backlog through the real edge worker."""
    from zoneinfo import ZoneInfo

    from edge_server import create_app
    from edge_server.clock import Clock
    from edge_server.config import load_config
    from edge_server.db import database, write_transaction
    from edge_server.models import OutboxEvent
    from edge_server.sync.worker import sync_until_acked

    cfg = load_config(None, env={}, data_dir=str(workdir / "edge"), village_code="33.17.09.2016",
                      village_name="Mojowarno", district_url=url, district_secret=secret)
    app = create_app(cfg, clock=Clock(ZoneInfo("Asia/Jakarta")))
    seq = 0
    with write_transaction():
        from edge_server.models import VillageProfile

        VillageProfile.create(code="33.17.09.2016", name="Mojowarno")
        for offset in range(7):
            day = date(2026, 11, 2) + timedelta(days=offset)
            for event in village_day(day, tickets=130, letters=12, rand=random.Random(offset)):
                seq += 1
                OutboxEvent.create(id=str(uuid.uuid4()), seq=seq, type=event["type"], occurred_at=event["at"],
                                   business_date=day, data=json.dumps(event["data"]))
    database.close()
    began = time.perf_counter()
    ok = sync_until_acked(app)
    elapsed = time.perf_counter() - began
    if not ok:
        raise RuntimeError("catch-up did not finish")
    emit(f"sync_catchup_7_days_offline_{seq}_events", elapsed, "s")


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from tests.conftest_pg import postgres_url

    wire_bytes()
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        pg = postgres_url()
        database_url = next(pg)
        try:
            codes = [f"33.17.{10 + i // 30:02d}.{2001 + i % 30}" for i in range(VILLAGES)] + ["33.17.09.2016"]
            secrets = register(database_url, codes)
            hub, url = start_hub(database_url, Path(tmp) / "hub")
            senders = {c: secrets[c] for c in codes[:VILLAGES]}
            ref, ref_url = start_reference(database_url, senders, Path(tmp))
            try:
                ingest_rate(url, ref_url, senders, hub.pid, ref.pid, postmaster_pid(database_url))
                catch_up(url, secrets["33.17.09.2016"], Path(tmp))
            finally:
                for proc in (hub, ref):
                    proc.terminate()
                    proc.wait(30)
        finally:
            pg.close()  # drops the database / stops the throwaway cluster
    return 0


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())
