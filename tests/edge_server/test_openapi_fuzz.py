"""Schemathesis against the edge's own OpenAPI document (/api/v1/openapi.json), through the WSGI app.

Derandomized (the same cases every run, so CI is reproducible), positive and negative generation for every
operation, with the demo kiosk's device token on most cases (and none on every fifth, so 401s are exercised).
Checks: no 5xx, documented status codes, content types, response headers and bodies. Every failure is
collected and shown at the end; the run also asserts that the fuzzer reached the real work (201s).
"""
from __future__ import annotations

import re
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

PER_OPERATION = 45  # cases per operation and generation mode (fewer where a mode has little to vary)
CHECKS_NAMES = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
                "response_headers_conformance", "response_schema_conformance")


def _bound(one, where: str):
    def run(case):  # hypothesis refuses a test function with default arguments
        one(case, where)

    return run


def _fuzz(schema, prepare) -> tuple[int, list[str], Counter]:
    """Run every operation in both generation modes; returns (cases run, failures, answers by status)."""
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi import checks as openapi_checks

    checks = [not_a_server_error] + [getattr(openapi_checks, name) for name in CHECKS_NAMES[1:]]
    failures, statuses = [], Counter()
    counter = iter(range(10**9))

    def one(case, where: str) -> None:
        prepare(case, next(counter))
        try:
            response = case.call_and_validate(checks=checks)
            statuses[f"{case.method} {case.operation.path} {response.status_code}"] += 1
        except Exception as exc:  # noqa: BLE001  (a failed check: collect it, keep fuzzing)
            statuses[f"{case.method} {case.operation.path} failed"] += 1
            failures.append(f"{where}: {type(exc).__name__}: {exc}"[:1500])

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            where = f"{operation.method.upper()} {operation.path} [{mode.value}]"
            run = settings(max_examples=PER_OPERATION, derandomize=True, database=None, deadline=None,
                           suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])(
                given(case=operation.as_strategy(generation_mode=mode))(_bound(one, where)))
            try:
                run()
            except Unsatisfiable:  # nothing in this operation can be made invalid (no parameters, no body)
                pass
            except Exception as exc:  # noqa: BLE001  (e.g. a strategy that cannot generate)
                failures.append(f"{where}: generation: {type(exc).__name__}: {exc}"[:800])
    return sum(statuses.values()), failures, statuses


@pytest.fixture
def fuzz_app(app, demo):
    """The demo app with a looser identify limit (the fuzzer identifies far more than a kiosk would)."""
    from dataclasses import replace

    app.extensions["edge_config"] = replace(app.extensions["edge_config"], identify_per_minute=100_000)
    return app


def test_generated_requests_never_fail_the_schema(fuzz_app, demo):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)
    token = demo["kiosk_token"]

    def prepare(case, n: int) -> None:
        headers = dict(case.headers or {})
        if n % 5:
            headers["Authorization"] = f"Bearer {token}"
        else:
            headers.pop("Authorization", None)
        case.headers = headers

    ran, failures, statuses = _fuzz(schema, prepare)
    print(f"schemathesis edge: {ran} cases, {len(failures)} failures; answers: {dict(sorted(statuses.items()))}")
    assert not failures, "\n\n".join(failures[:20])
    assert ran >= 1000, f"only {ran} cases ran"
    assert not failures, "\n\n".join(failures[:20])
    assert statuses["POST /tickets 201"] > 0 and statuses["POST /survey 201"] > 0, statuses


def test_the_document_describes_every_api_route_and_no_other(app):
    """The spec and the server cannot drift apart: each /api/v1 route and method is in it, and nothing else."""
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json":
            path = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "{}", rule.rule.removeprefix("/api/v1"))
            served |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    described = {(method.upper(), re.sub(r"\{[a-z_]+\}", "{}", path)) for path, item in document["paths"].items() for method in item
                 if method != "parameters"}
    assert described == served
