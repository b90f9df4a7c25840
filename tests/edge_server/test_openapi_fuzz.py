"""Schemathesis against the edge's own OpenAPI document (/api/v1/openapi.json), through the WSGI app.

Derandomized (the same cases every run, so CI is reproducible), positive and negative generation for every
operation, with the demo kiosk's device token on most cases (and none on every fifth, so 401s are exercised).
Checks: no 5xx, documented status codes, content types, response headers and bodies. Every failure is
collected and shown at the end; the run also asserts that the fuzzer reached the real work (201s).
"""
from __future__ import annotations

import re

import pytest
import schemathesis

from tests.openapi_fuzz import fuzz

PER_OPERATION = 45  # cases per operation and generation mode (fewer where a mode has little to vary)


@pytest.fixture
def fuzz_app(app, demo):
    """The demo app with a looser identify limit (the fuzzer identifies far more than a kiosk would)."""
    from dataclasses import replace

    app.extensions["edge_config"] = replace(app.extensions["edge_config"], identify_per_minute=100_000)
    return app


def _real_things(app, demo) -> dict:
    """What a kiosk would really send: its token, a full kiosk session, a ticket id, a signed QR picture path."""
    from edge_server.info import images

    client, auth = app.test_client(), {"Authorization": f"Bearer {demo['kiosk_token']}"}
    person = next(r for r in demo["residents"] if "pin" in r)
    session = client.post("/api/v1/identify", json={"nik": person["nik"], "pin": person["pin"]}, headers=auth)
    ticket = client.post("/api/v1/tickets", json={"service": "A"}, headers=auth)
    with app.app_context():
        from edge_server.models import Link

        link_id = Link.create(title="Website desa", url="https://mojowarno.desa.id/").id
    return {"auth": auth, "session": session.get_json()["session"], "ticket": ticket.get_json()["ticket"]["id"],
            "nik": person["nik"], "link": (link_id, images.media_signature(app.secret_key, "link", link_id))}


def test_generated_requests_never_fail_the_schema(fuzz_app, demo):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)
    real = _real_things(fuzz_app, demo)

    def prepare(case, n: int) -> None:
        """Every fifth case as generated (no token: 401s); the others with the token, and every other one
        steered to real data, so the fuzzer gets past the lookups into validation and storage."""
        headers = dict(case.headers or {})
        headers.pop("Authorization", None)
        if n % 5:
            headers.update(real["auth"])
        steer = n % 2 == 1
        path = case.operation.path
        if steer and path == "/letters":
            headers["X-Kiosk-Session"] = real["session"]
        if steer and "ticket_id" in (case.path_parameters or {}) or "id" in (case.path_parameters or {}):
            if steer:
                case.path_parameters = {**case.path_parameters, "id": real["ticket"]}
        if steer and path.startswith("/media/links/"):
            case.path_parameters = {"link_id": real["link"][0], "sig": real["link"][1]}
        if steer and isinstance(case.body, dict):
            if path == "/tickets" and "service" in case.body:
                case.body["service"] = "A"
            if path == "/identify" and "nik" in case.body:
                case.body["nik"] = real["nik"]
            if path == "/letters" and isinstance(case.body.get("fields"), dict):
                values = list(case.body["fields"].values())
                case.body["type"] = "S-41"
                case.body["fields"] = {"keperluan": values[0] if values and n % 4 == 1 else "Melamar kerja"}
            if path == "/survey" and "ticket_id" in case.body:
                case.body["ticket_id"] = real["ticket"]
        case.headers = headers

    ran, failures, statuses = fuzz(schema, prepare, PER_OPERATION)
    print(f"schemathesis edge: {ran} cases, {len(failures)} failures; answers: {dict(sorted(statuses.items()))}")
    assert not failures, "\n\n".join(failures[:20])
    assert ran >= 1000, f"only {ran} cases ran"
    for reached in ("POST /tickets 201", "POST /survey 201", "POST /letters 201", "GET /tickets/{id} 200",
                    "GET /media/links/{link_id}/{sig}.png 200"):
        assert statuses[reached] > 0, f"the fuzzer never reached {reached}: {statuses}"


def test_the_document_describes_every_api_route_and_no_other(app):
    """The spec and the server cannot drift apart: each /api/v1 route and method is in it, and nothing else."""
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json":
            path = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "{}", rule.rule.removeprefix("/api/v1"))
            served |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    described = {(method.upper(), re.sub(r"\{[a-z_]+\}", "{}", path))
                 for path, item in document["paths"].items() for method in item if method != "parameters"}
    assert described == served
