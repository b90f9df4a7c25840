"""District fixtures: a hub app on SQLite or on a real PostgreSQL, villages with secrets, signed posts."""
from __future__ import annotations

import gzip
import json
import time
from datetime import datetime, timezone

import pytest

from tests.conftest_pg import postgres_url
from tests.district.helpers import make_event, sign

VILLAGES = {"33.17.09.2016": "Mojowarno", "33.17.09.2001": "Banggi", "33.17.09.2002": "Bogoharjo"}


@pytest.fixture(scope="session")
def pg_url():
    """An empty PostgreSQL database for the session (see tests/conftest_pg.py); never skipped."""
    yield from postgres_url()


class Hub:
    """A district app with registered villages, and helpers to post signed batches to it."""

    def __init__(self, app, secrets: dict[str, str], admin_token: str):
        self.app, self.secrets, self.admin_token = app, secrets, admin_token
        self.client = app.test_client()

    def post_batch(self, code: str, events: list[dict], *, secret: str | None = None, timestamp: int | None = None,
                   compress: bool = True, raw: bytes | None = None, body_village: str | None = None,
                   header_village: str | None = None):
        body = raw if raw is not None else json.dumps({"village": body_village or code, "events": events}).encode()
        if compress and raw is None:
            body = gzip.compress(body)
        ts = int(time.time()) if timestamp is None else timestamp
        headers = {"X-Anjungan-Village": header_village or code, "X-Anjungan-Timestamp": str(ts),
                   "X-Anjungan-Signature": sign(secret or self.secrets.get(code, "x"), ts, body)}
        if compress:
            headers["Content-Encoding"] = "gzip"
        return self.client.post("/api/v1/sync/batches", data=body, headers=headers)

    def summary(self, code: str, day: str):
        return self.client.get(f"/api/v1/villages/{code}/summary?date={day}",
                               headers={"Authorization": f"Bearer {self.admin_token}"})


def _build_hub(tmp_path, database_url: str) -> Hub:
    from district import create_app
    from district.config import load_config
    from district.registry import add_village, new_admin_token

    cfg = load_config(env={}, data_dir=str(tmp_path / "district"), database_url=database_url,
                      password_hash="scrypt:1024:8:1")
    app = create_app(cfg)
    app.config["TESTING"] = True
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with app.app_context():
        secrets = {code: add_village(code, name, now)[1] for code, name in VILLAGES.items()}
        token = new_admin_token()
    return Hub(app, secrets, token)


def _reset_postgres(url: str) -> None:
    from district.db import migrate, open_database

    db = open_database(url, "/nonexistent")
    migrate(db)
    db.execute_sql("TRUNCATE village, event, device_state, announcement, announcement_target, staff_user, "
                   "setting, login_throttle, village_backup, release RESTART IDENTITY CASCADE")
    db.close_all()


@pytest.fixture(params=["sqlite", "postgres"])
def hub(request, tmp_path):
    """A hub on SQLite, then the same test on PostgreSQL."""
    url = ""
    if request.param == "postgres":
        url = request.getfixturevalue("pg_url")
        _reset_postgres(url)
    hub = _build_hub(tmp_path, url)
    yield hub
    from district.db import database

    if hasattr(database.obj, "close_all"):
        database.obj.close_all()


@pytest.fixture
def sqlite_hub(tmp_path):
    return _build_hub(tmp_path, "")


@pytest.fixture
def events():
    """A factory of well-formed events: events(1, 5) gives seqs 1..5 of ticket.issued."""

    def make(first: int, last: int, event_type: str = "ticket.issued", day: str | None = None, **data):
        return [make_event(seq, event_type, day=day, **data) for seq in range(first, last + 1)]

    return make

