"""Sync fixtures: a demo edge app and a district hub app in one process, joined by a WSGI transport for requests."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

DISTRICT_URL = "http://district.test"
CODE = "33.17.09.2016"


class WSGITransport(BaseAdapter):
    """Sends requests' requests to a Flask app in this process; `fault(request)` may answer or raise instead."""

    def __init__(self, app):
        super().__init__()
        self.client = app.test_client()
        self.fault = None
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):
        self.sent.append(request)
        if self.fault is not None:
            injected = self.fault(request)
            if injected is not None:
                status, body = injected
                return self._response(request, status, body, {})
        url = urlparse(request.url)
        answer = self.client.open(url.path, query_string=url.query, method=request.method,
                                  headers=dict(request.headers), data=request.body or b"")
        return self._response(request, answer.status_code, answer.data, dict(answer.headers))

    @staticmethod
    def _response(request, status: int, body: bytes, headers: dict) -> requests.Response:
        response = requests.Response()
        response.status_code, response._content, response.url, response.request = status, body, request.url, request
        response.headers = CaseInsensitiveDict(headers)
        return response

    def close(self):
        pass


@pytest.fixture
def district(tmp_path):
    """A district hub (SQLite) with Mojowarno registered."""
    from district import create_app
    from district.config import load_config
    from district.registry import add_village, new_admin_token

    app = create_app(load_config(env={}, data_dir=str(tmp_path / "district"), password_hash="scrypt:1024:8:1"))
    app.config["TESTING"] = True
    with app.app_context():
        _village, secret = add_village(CODE, "Mojowarno", datetime.now(timezone.utc).replace(tzinfo=None))
        app.extensions["test_secret"] = secret
        app.extensions["test_admin_token"] = new_admin_token()
    return app


@pytest.fixture
def transport(district):
    return WSGITransport(district)


def _edge_config(data_dir: str, secret: str):
    from edge_server.config import load_config

    return load_config(None, env={}, data_dir=data_dir, village_code=CODE, village_name="Mojowarno",
                       port=8080, host="127.0.0.1", district_url=DISTRICT_URL, district_secret=secret,
                       password_hash="scrypt:1024:8:1", pin_hash="scrypt:1024:8:1", sync_interval_seconds=0.2,
                       sync_backoff_base_seconds=0.01, sync_backoff_max_seconds=0.05)


@pytest.fixture(scope="session")
def edge_template(tmp_path_factory):
    """A seeded demo edge data dir, made once (seeding takes seconds); each test gets a copy."""
    from edge_server import create_app
    from edge_server.clock import Clock
    from edge_server.db import database
    from edge_server.demo import seed_demo

    folder = tmp_path_factory.mktemp("edge-template")
    cfg = _edge_config(str(folder), "placeholder")
    clock = Clock(ZoneInfo("Asia/Jakarta"))
    app = create_app(cfg, clock=clock)
    with app.app_context():
        demo = seed_demo(cfg, clock, "http://127.0.0.1:8080")
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return folder, demo


@pytest.fixture
def edge(tmp_path, district, edge_template):
    """A demo edge server app configured to sync to `district`."""
    import shutil

    from edge_server import create_app
    from edge_server.clock import Clock

    folder, demo = edge_template
    target = tmp_path / "edge"
    shutil.copytree(folder, target)
    cfg = _edge_config(str(target), district.extensions["test_secret"])
    app = create_app(cfg, clock=Clock(ZoneInfo("Asia/Jakarta")))
    app.config["TESTING"] = True
    app.extensions["demo"] = demo
    return app


@pytest.fixture
def worker(edge, transport):
    """A SyncWorker whose HTTP goes to the in-process district."""
    from edge_server.sync.client import DistrictClient
    from edge_server.sync.worker import SyncWorker

    session = requests.Session()
    session.mount(DISTRICT_URL, transport)
    cfg = edge.extensions["edge_config"]
    return SyncWorker(edge, client=DistrictClient(DISTRICT_URL, CODE, cfg.district_secret, timeout=5,
                                                  session=session))
