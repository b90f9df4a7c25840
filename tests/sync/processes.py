"""Real edge and district processes on 127.0.0.1 for whole-system sync tests."""
from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

ROOT = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"listening on (http://[\d.]+:\d+)")


def _start(cmd: list[str], env: dict, log_path: Path, timeout: float = 60) -> tuple[subprocess.Popen, str]:
    offset = log_path.stat().st_size if log_path.exists() else 0  # a restart appends: read only what is new
    log = open(log_path, "ab")
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = LISTENING.findall(log_path.read_bytes()[offset:].decode(errors="replace"))
        if found:
            return proc, found[-1]
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{cmd[2]} did not start:\n{log_path.read_text(errors='replace')[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


class District:
    def __init__(self, data_dir: Path, env: dict | None = None):
        self.data_dir = data_dir
        self.proc, self.url = _start(
            [sys.executable, "-m", "district", "serve", "--data-dir", str(data_dir), "--host", "127.0.0.1",
             "--port", "0", "--demo", "--workers", "2"],
            {"DISTRICT_PASSWORD_HASH": "scrypt:1024:8:1", **(env or {})}, data_dir.parent / "district.log")
        self.demo = json.loads((data_dir / "demo.json").read_text())

    def summary(self, code: str, day: str) -> dict:
        answer = requests.get(f"{self.url}/api/v1/villages/{code}/summary", params={"date": day},
                              headers={"Authorization": f"Bearer {self.demo['admin_token']}"}, timeout=10)
        answer.raise_for_status()
        return answer.json()


class Edge:
    """`python -m edge_server serve --demo` syncing to `district_url`; a kiosk and a staff member drive it."""

    def __init__(self, data_dir: Path, district_url: str, secret: str, env: dict | None = None):
        self.data_dir, self.district_url, self.secret = data_dir, district_url, secret
        self.extra_env = env or {}
        self.start()

    def start(self) -> None:
        env = {"ANJUNGAN_DISTRICT_URL": self.district_url, "ANJUNGAN_DISTRICT_SECRET": self.secret,
               "ANJUNGAN_SYNC_INTERVAL_SECONDS": "0.3", "ANJUNGAN_SYNC_BACKOFF_BASE_SECONDS": "0.2",
               "ANJUNGAN_SYNC_BACKOFF_MAX_SECONDS": "1.0", "ANJUNGAN_PASSWORD_HASH": "scrypt:1024:8:1",
               "ANJUNGAN_PIN_HASH": "scrypt:1024:8:1", **self.extra_env}
        self.proc, self.url = _start(
            [sys.executable, "-m", "edge_server", "serve", "--data-dir", str(self.data_dir), "--host", "127.0.0.1",
             "--port", "0", "--demo"], env, self.data_dir.parent / "edge.log")
        self.demo = json.loads((self.data_dir / "demo.json").read_text())
        self.kiosk = requests.Session()
        self.kiosk.headers["Authorization"] = f"Bearer {self.demo['kiosk_token']}"
        self.staff = None

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def take_tickets(self, count: int, service: str = "A") -> list[str]:
        ids = []
        for _ in range(count):
            answer = self.kiosk.post(f"{self.url}/api/v1/tickets", json={"service": service}, timeout=10)
            assert answer.status_code == 201, answer.text
            ids.append(answer.json()["ticket"]["id"])
        return ids

    def _login(self) -> tuple[requests.Session, str]:
        if self.staff is None:
            session = requests.Session()
            page = session.get(f"{self.url}/staff/login", timeout=10).text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            admin = next(s for s in self.demo["staff"] if s["role"] == "admin")
            session.post(f"{self.url}/staff/login", data={"username": admin["username"],
                                                         "password": admin["password"], "csrf_token": token},
                         timeout=10)
            home = session.get(f"{self.url}/staff/", timeout=10).text
            self.staff = (session, re.search(r'name="csrf-token" content="([^"]+)"', home).group(1))
        return self.staff

    def serve_next(self, action: str = "finish") -> None:
        session, csrf = self._login()
        headers = {"X-CSRFToken": csrf}
        called = session.post(f"{self.url}/staff/api/counters/2/call-next", json={}, headers=headers, timeout=10)
        ticket = called.json()["ticket"]
        assert ticket, called.text
        done = session.post(f"{self.url}/staff/api/tickets/{ticket['id']}/{action}", json={}, headers=headers,
                            timeout=10)
        assert done.status_code == 200, done.text

    def business_date(self) -> str:
        return datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.data_dir / "edge.sqlite3", timeout=10)

    def counts(self) -> dict:
        """The edge's own numbers for today, read from its database."""
        with self._db() as db:
            rows = dict(db.execute("SELECT status, COUNT(*) FROM ticket WHERE business_date = ? GROUP BY status",
                                   (self.business_date(),)).fetchall())
            last_seq = db.execute("SELECT COALESCE(MAX(seq), 0) FROM outbox_event").fetchone()[0]
        return {"tickets_issued": sum(rows.values()), "tickets_served": rows.get("done", 0),
                "tickets_no_show": rows.get("no_show", 0), "last_seq": last_seq}

    def sync_state(self) -> dict:
        with self._db() as db:
            db.row_factory = sqlite3.Row
            return dict(db.execute("SELECT * FROM sync_state").fetchone() or {})

    def pending(self) -> int:
        with self._db() as db:
            return db.execute("SELECT COUNT(*) FROM outbox_event WHERE acked_at IS NULL").fetchone()[0]
