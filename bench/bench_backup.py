"""Backup figures for a village after a year: ~100k tickets, 5k residents, 30 days of outbox.

Prints one JSON object per line: the consistent backup's time and gzip size, the encryption's time and size,
the restore (decrypt + gunzip + integrity check) time, and the signed upload to a real district hub on loopback.
"""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import emit  # noqa: E402

CODE = "33.17.09.2016"
TICKETS_PER_DAY = 275
RESIDENTS = 5000


def build_village(data_dir: Path) -> Path:
    """An edge database shaped like one village's after a year (bulk SQL; the app made the schema)."""
    from edge_server import create_app
    from edge_server.clock import Clock
    from edge_server.config import load_config
    from edge_server.db import database
    from edge_server.demo import seed_demo

    cfg = load_config(None, env={}, data_dir=str(data_dir), village_code=CODE, village_name="Mojowarno",
                      password_hash="scrypt:1024:8:1", pin_hash="scrypt:1024:8:1")
    clock = Clock(ZoneInfo("Asia/Jakarta"))
    app = create_app(cfg, clock=clock)
    rand = random.Random(7)
    with app.app_context():
        seed_demo(cfg, clock, "http://127.0.0.1:8080")
        names = ["Siti", "Budi", "Wati", "Agus", "Sri", "Joko", "Dewi", "Eko"]
        residents = [(f"33170955{n:08d}", f"33170904{n:08d}", f"{rand.choice(names)} {rand.choice(names)}wati",
                      rand.choice("LP"), "Rembang", "1980-01-01", "Islam", "Petani", "Kawin",
                      f"Jl. Melati No. {n % 90}", "Sidomulyo", "001", "002", 1, "2026-01-01", "2026-01-01")
                     for n in range(RESIDENTS)]
        with database.atomic():
            database.execute_sql("DELETE FROM resident WHERE id > 0 AND nik LIKE '33170955%'")
            for start in range(0, len(residents), 500):
                chunk = residents[start:start + 500]
                marks = ",".join(["(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"] * len(chunk))
                database.execute_sql(
                    "INSERT OR IGNORE INTO resident (nik, no_kk, name, sex, birth_place, birth_date, religion, "
                    "occupation, marital_status, address, dusun, rt, rw, active, created_at, updated_at) VALUES "
                    + marks, [v for row in chunk for v in row])
            services = [r[0] for r in database.execute_sql("SELECT id FROM service ORDER BY id").fetchall()]
            first = date.today() - timedelta(days=365)
            tickets, events, seq = [], [], 0
            for day_index in range(365):
                day = first + timedelta(days=day_index)
                for number in range(1, TICKETS_PER_DAY + 1):
                    service = services[number % len(services)]
                    issued = datetime.combine(day, datetime.min.time()) + timedelta(hours=8, seconds=number * 90)
                    ticket_id = str(uuid.UUID(int=rand.getrandbits(128)))
                    tickets.append((ticket_id, service, service, day.isoformat(), number, 0, "done", str(issued),
                                    str(issued + timedelta(minutes=9)), str(issued + timedelta(minutes=10)),
                                    str(issued + timedelta(minutes=16)), 0, uuid.uuid4().hex[:24], "kiosk", 1, ""))
                    if day_index >= 335:  # the outbox keeps ~30 days once acknowledged
                        for kind in ("ticket.issued", "ticket.called", "ticket.finished"):
                            seq += 1
                            events.append((str(uuid.uuid4()), seq, kind, str(issued), day.isoformat(),
                                           json.dumps({"ticket_id": ticket_id, "service": "A",
                                                       "number": f"A-{number:03d}", "wait_seconds": 540}),
                                           str(issued)))
            database.execute_sql("DELETE FROM outbox_event")
            database.execute_sql("DELETE FROM ticket")
            for start in range(0, len(tickets), 2000):
                database.cursor().executemany(
                    "INSERT INTO ticket (id, service_id, issued_service_id, business_date, number, priority, "
                    "status, issued_at, called_at, started_at, finished_at, recall_count, track_token, source, "
                    "printed, print_error) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", tickets[start:start + 2000])
            database.cursor().executemany("INSERT INTO outbox_event (id, seq, type, occurred_at, business_date, "
                                          "data, acked_at) VALUES (?,?,?,?,?,?,?)", events)
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = {t: database.execute_sql(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                  for t in ("ticket", "resident", "outbox_event")}
    database.close()
    emit("backup.village_tickets", counts["ticket"], "rows")
    emit("backup.village_residents", counts["resident"], "rows")
    emit("backup.village_outbox_events", counts["outbox_event"], "rows")
    return cfg.database_path


def start_hub(data_dir: Path) -> tuple[subprocess.Popen, str, dict]:
    log = open(data_dir.parent / "district.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "district", "serve", "--data-dir", str(data_dir), "--host",
                             "127.0.0.1", "--port", "0", "--demo", "--workers", "2"], cwd=ROOT, stdout=log,
                            stderr=subprocess.STDOUT, env={**__import__("os").environ,
                                                           "DISTRICT_PASSWORD_HASH": "scrypt:1024:8:1"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = (data_dir.parent / "district.log").read_text(errors="replace")
        if "listening on http://" in text:
            url = text.split("listening on ")[1].split()[0]
            return proc, url, json.loads((data_dir / "demo.json").read_text())
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("district did not start")


def main() -> int:
    import requests

    from edge_server.backup import encrypt_backup, make_backup, restore_backup
    from edge_server.sync.backup_upload import upload_file

    work = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    try:
        db_path = build_village(work / "edge")
        emit("backup.database_size", round(db_path.stat().st_size / 2**20, 2), "MiB")
        started = time.perf_counter()
        backup = make_backup(db_path, work / "backups", datetime.now())
        emit("backup.make_time", round(time.perf_counter() - started, 3), "s")
        emit("backup.gz_size", round(backup.stat().st_size / 2**20, 2), "MiB")
        started = time.perf_counter()
        sealed = encrypt_backup(backup, work / "out" / (backup.name + ".enc"), "", "village-secret")
        emit("backup.encrypt_time", round(time.perf_counter() - started, 3), "s")
        emit("backup.encrypted_size", round(sealed.stat().st_size / 2**20, 2), "MiB")
        target = work / "restored.sqlite3"
        started = time.perf_counter()
        restore_backup(sealed, target, district_secret="village-secret")
        emit("backup.restore_encrypted_time", round(time.perf_counter() - started, 3), "s")

        proc, url, demo = start_hub(work / "district")
        try:
            secret = demo["villages"][CODE]["secret"]
            started = time.perf_counter()
            result = upload_file(requests.Session(), url, CODE, secret, sealed, version="bench")
            emit("backup.upload_time_loopback", round(time.perf_counter() - started, 3), "s")
            assert result.ok and result.stored, result
            started = time.perf_counter()
            again = upload_file(requests.Session(), url, CODE, secret, sealed, version="bench")
            emit("backup.upload_again_time_loopback", round(time.perf_counter() - started, 3), "s")
            assert again.ok and not again.stored, again
        finally:
            proc.terminate()
            proc.wait(15)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
