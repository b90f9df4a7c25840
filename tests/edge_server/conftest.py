"""Edge server fixtures: an app on a fresh database with the demo village, a kiosk client, a staff client."""
from __future__ import annotations

import re
import shutil
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from edge_server import create_app
from edge_server.clock import Clock
from edge_server.config import load_config
from edge_server.db import database
from edge_server.demo import seed_demo


@pytest.fixture
def clock():
    return Clock(ZoneInfo("Asia/Jakarta"))


def _config(data_dir):
    return load_config(None, data_dir=str(data_dir), village_code="33.17.09.2016", village_name="Mojowarno",
                       port=8080, host="127.0.0.1")


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory):
    """The demo village seeded once per test session; each test gets its own copy of the database file."""
    data_dir = tmp_path_factory.mktemp("edge-template")
    cfg = _config(data_dir)
    clock = Clock(ZoneInfo("Asia/Jakarta"))
    app = create_app(cfg, clock=clock)
    with app.app_context():
        demo = seed_demo(cfg, clock, "http://127.0.0.1:8080")
    db = database.obj
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return data_dir, demo


@pytest.fixture
def cfg(tmp_path, seeded_template):
    template_dir, _demo = seeded_template
    data_dir = tmp_path / "edge"
    data_dir.mkdir()
    for name in ("edge.sqlite3", "secret_key"):
        shutil.copy2(template_dir / name, data_dir / name)
    return _config(data_dir)


@pytest.fixture
def app(cfg, clock, seeded_template):
    app = create_app(cfg, clock=clock)
    app.config["TESTING"] = True
    app.extensions["demo"] = seeded_template[1]
    return app


@pytest.fixture
def demo(app):
    return app.extensions["demo"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def kiosk(client, demo):
    """A test client that sends the demo kiosk's device token."""

    class Kiosk:
        headers = {"Authorization": f"Bearer {demo['kiosk_token']}"}

        def get(self, url, **kw):
            return client.get(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

        def post(self, url, **kw):
            return client.post(url, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    return Kiosk()


def login(client, username, password):
    page = client.get("/staff/login")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    return client.post("/staff/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def staff(app, demo):
    """A logged-in operator client with a helper for CSRF-protected JSON posts."""
    client = app.test_client()
    user = next(s for s in demo["staff"] if s["role"] == "admin")
    response = login(client, user["username"], user["password"])
    assert response.status_code == 302
    home = client.get("/staff/")
    csrf = re.search(rb'name="csrf-token" content="([^"]+)"', home.data).group(1).decode()

    class Staff:
        raw = client
        token = csrf

        def post(self, url, json=None, **kw):
            return client.post(url, json=json if json is not None else {}, headers={"X-CSRFToken": csrf}, **kw)

        def get(self, url, **kw):
            return client.get(url, **kw)

    return Staff()


@pytest.fixture
def travel(clock):
    def go(**kw):
        clock.travel(timedelta(**kw))

    return go
