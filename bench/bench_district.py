"""District dashboard figures, one JSON object per line ({"name", "value", "unit"}):

- overview render time for a regency of 300 villages with 30 days of events (about 20 a village a day) on SQLite,
  median of 20 requests through the Flask app (login, session and template included);
- the queries one overview costs (the same for 3 villages or 300).
"""
from __future__ import annotations

import re
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import emit, median, percentile  # noqa: E402

VILLAGES = 300
DAYS = 30
KECAMATANS = 14  # Rembang has 14 kecamatan
DAY_EVENTS = (["ticket.issued"] * 8 + ["ticket.called"] * 7 + ["ticket.finished"] * 6 + ["letter.requested"] * 2)


def seed(today: date) -> None:
    """300 villages, 30 days of events each, a kiosk per village (every 7th offline)."""
    from district.db import database
    from district.models import DeviceState, Event, Village

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    codes = [f"33.17.{1 + i % KECAMATANS:02d}.{2001 + i}" for i in range(VILLAGES)]
    with database.obj.atomic():
        Village.insert_many([{"code": c, "name": f"Desa {i}", "secret": "s", "active": True, "created_at": now,
                              "acked_through": DAYS * len(DAY_EVENTS), "last_seen": now}
                             for i, c in enumerate(codes)]).execute()
        DeviceState.insert_many([{"village": c, "device_id": 1, "device": "Kiosk", "kind": "kiosk",
                                  "online": i % 7 != 0, "paper": "ok", "seq": 1, "occurred_at": now}
                                 for i, c in enumerate(codes)]).execute()
        for code in codes:
            rows, seq = [], 0
            for back in range(DAYS):
                day = today - timedelta(days=back)
                for kind in DAY_EVENTS:
                    seq += 1
                    rows.append({"village": code, "event_id": f"{code}-{seq}", "seq": seq, "type": kind,
                                 "occurred_at": now, "business_date": day, "received_at": now, "data": "{}",
                                 "metric": 240 if kind == "ticket.called" else None})
            Event.insert_many(rows).execute()


def main() -> None:
    from district import create_app
    from district.config import load_config
    from district.db import database
    from district.registry import add_staff

    with tempfile.TemporaryDirectory() as tmp:
        cfg = load_config(env={}, data_dir=tmp, password_hash="scrypt:1024:8:1")
        app = create_app(cfg)
        today = datetime.now(cfg.zone).date()
        with app.app_context():
            seed(today)
            password = add_staff("dinas", datetime.now(timezone.utc).replace(tzinfo=None), cfg.password_hash)
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))[1]
        client.post("/login", data={"username": "dinas", "password": password, "csrf_token": token})

        queries = 0
        real = database.obj.execute_sql

        def counted(*args, **kwargs):
            nonlocal queries
            queries += 1
            return real(*args, **kwargs)

        database.obj.execute_sql = counted
        assert client.get("/").status_code == 200
        one_page = queries
        samples = []
        for _ in range(20):
            start = time.perf_counter()
            answer = client.get("/")
            samples.append((time.perf_counter() - start) * 1000)
            assert answer.status_code == 200 and answer.get_data(as_text=True).count('data-village="') == VILLAGES
        emit("district_overview_300_villages_30_days_ms", round(median(samples), 1), "ms",
             p95=round(percentile(samples, 95), 1), events=VILLAGES * DAYS * len(DAY_EVENTS))
        emit("district_overview_queries", one_page, "queries")
        start = time.perf_counter()
        assert client.get("/export.csv").status_code == 200
        emit("district_overview_csv_300_villages_ms", round((time.perf_counter() - start) * 1000, 1), "ms")
        start = time.perf_counter()
        assert client.get(f"/villages/{'33.17.01.2001'}").status_code == 200
        emit("district_village_page_30_days_ms", round((time.perf_counter() - start) * 1000, 1), "ms")


if __name__ == "__main__":
    main()
