"""Schemathesis against the hub's own OpenAPI document (/api/v1/openapi.json), on PostgreSQL.

Two runs, both derandomized (the same cases every time, so CI is reproducible):
- signed: a WSGI middleware plays a registered village's edge and signs every generated request with its secret
  (batches and config over the body, backups over the header digest), and the admin routes get the admin token,
  so the fuzzer reaches parsing, validation and storage;
- unsigned: the generated headers as they are (random villages, timestamps, signatures).
Each runs positive and negative generation for every operation. Schemathesis iterates sets of strings, so the
cases also depend on Python's hash seed: each run happens in a child pytest with PYTHONHASHSEED=0. The checks: no
5xx, status codes, content types, response headers and bodies as documented. Every failure is collected and shown.
"""
from __future__ import annotations

import hashlib
import hmac
import io
import os
import subprocess
import sys
import time
from collections import Counter

import pytest
import schemathesis

from tests.openapi_fuzz import fuzz

CODE = "33.17.09.2016"
PER_OPERATION = 100  # cases per operation and generation mode (fewer where a mode has little to vary)


def _deep(levels: int):
    value: object = 1
    for _ in range(levels):
        value = [value]
    return value


# Values Hypothesis does not make by itself (it never draws surrogates; it rarely reaches the calendar's edge, an
# integer past a column, or deep nesting), mixed into every third generated batch of the signed run.
HOSTILE_EVENTS = [
    {"data": {"service": "\ud800", "x\udfff": "\x00"}},
    {"occurred_at": "9999-12-31T23:59:59-23:59"},
    {"occurred_at": "0001-01-01T00:00:00+23:59"},
    {"business_date": "9999-12-31"},
    {"type": "ticket.called", "data": {"wait_seconds": 2 ** 40}},
    {"type": "device.status", "data": {"device_id": 2 ** 40, "device": "k\x00"}},
    {"type": "device.status", "data": {"device_id": 3, "device": "kios\ud800", "paper": "\udfff" * 20}},
    {"data": {"deep": _deep(200)}},
    {"type": "letter.33.17.09.530670.0001"},
    {"data": {"note": "33.17.09.530670.0001"}},
    {"seq": 2 ** 63},
]


def _hostile(body: dict, index: int) -> None:
    """Make a generated batch one well-formed event with one hostile part (the index picks which), so it gets past
    the envelope and validation to where the hostile part matters."""
    import uuid

    from tests.district.helpers import make_event

    body["events"] = [{**make_event(1_000_000 + index), "id": str(uuid.UUID(int=index + 1)),
                       **HOSTILE_EVENTS[index % len(HOSTILE_EVENTS)]}]


class SigningEdge:
    """WSGI middleware in front of the hub that signs each request as the edge of `code` would."""

    def __init__(self, app, code: str, secret: str, admin_token: str):
        self.app, self.code, self.secret, self.admin_token = app, code, secret, admin_token

    def __call__(self, environ, start_response):
        from district.signing import backup_signature

        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
        path, timestamp = environ.get("PATH_INFO", ""), str(int(time.time()))
        environ["HTTP_X_ANJUNGAN_VILLAGE"], environ["HTTP_X_ANJUNGAN_TIMESTAMP"] = self.code, timestamp
        if path == "/api/v1/backups":
            digest = hashlib.sha256(body).hexdigest()
            environ["HTTP_X_ANJUNGAN_CONTENT_SHA256"] = digest
            name = environ.get("HTTP_X_ANJUNGAN_BACKUP_NAME", "")
            signature = backup_signature(self.secret, timestamp, name, digest)
        else:
            signature = hmac.new(self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        environ["HTTP_X_ANJUNGAN_SIGNATURE"] = signature
        if path.startswith("/api/v1/villages/"):
            environ["HTTP_AUTHORIZATION"] = f"Bearer {self.admin_token}"
        return self.app(environ, start_response)


@pytest.fixture
def pg_hub(pg_url, tmp_path):
    from tests.district.conftest import _build_hub, _reset_postgres

    _reset_postgres(pg_url)
    hub = _build_hub(tmp_path, pg_url)
    yield hub
    from district.db import database

    database.obj.close_all()


def _delegated(test_name: str) -> bool:
    """Run this test again in a child pytest with a fixed hash seed (reproducible cases); True when it did."""
    if os.environ.get("PYTHONHASHSEED") == "0":
        return False
    child = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
                            f"{__file__}::{test_name}"], env={**os.environ, "PYTHONHASHSEED": "0"},
                           capture_output=True, text=True, timeout=600)
    print(child.stdout[-3000:])
    assert child.returncode == 0, child.stdout[-6000:] + child.stderr[-2000:]
    assert "schemathesis " in child.stdout, child.stdout[-3000:]
    return True


def _report(label: str, ran: int, failures: list[str], statuses: Counter) -> None:
    print(f"schemathesis {label}: {ran} cases, {len(failures)} failures; answers: {dict(sorted(statuses.items()))}")
    assert ran >= 1000, f"only {ran} cases ran"
    assert not failures, "\n\n".join(failures[:20])


def test_signed_requests_never_fail_the_schema(request):
    if _delegated(request.node.name):
        return
    pg_hub = request.getfixturevalue("pg_hub")
    app = SigningEdge(pg_hub.app.wsgi_app, CODE, pg_hub.secrets[CODE], pg_hub.admin_token)
    pg_hub.app.wsgi_app = app
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", pg_hub.app)

    batches = Counter()

    def prepare(case, n: int) -> None:
        if isinstance(case.body, dict) and case.operation.path == "/api/v1/sync/batches":
            case.body["village"] = CODE  # the body must name the signing village to get past the envelope
            batches["n"] += 1
            if batches["n"] % 3 == 0:
                _hostile(case.body, batches["n"] // 3)
        if case.path_parameters and "code" in case.path_parameters:
            case.path_parameters["code"] = CODE

    ran, failures, statuses = fuzz(schema, prepare, PER_OPERATION)
    _report("signed", ran, failures, statuses)
    assert statuses["POST /api/v1/sync/batches 200"] > 0, "no generated batch was ever stored: the signing is broken"


def test_unsigned_requests_never_fail_the_schema(request):
    if _delegated(request.node.name):
        return
    pg_hub = request.getfixturevalue("pg_hub")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", pg_hub.app)
    ran, failures, statuses = fuzz(schema, lambda case, n: None, PER_OPERATION)
    _report("unsigned", ran, failures, statuses)


def test_the_document_describes_every_api_route_and_no_other(sqlite_hub):
    """The spec and the server cannot drift apart: each /api/v1 route and method is in it, and nothing else."""
    import re

    served = set()
    for rule in sqlite_hub.app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
            served |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    document = sqlite_hub.client.get("/api/v1/openapi.json")
    assert document.status_code == 200 and document.headers["Content-Type"] == "application/json"
    described = {(method.upper(), path) for path, item in document.get_json()["paths"].items() for method in item}
    assert described == served
