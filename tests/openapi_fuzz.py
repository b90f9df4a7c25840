"""One Schemathesis driver for the edge's and the hub's OpenAPI documents: every operation in both generation
modes, derandomized, collecting every failed check instead of stopping at the first."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from hypothesis import HealthCheck, Phase, given, settings

CHECKS_NAMES = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
                "response_headers_conformance", "response_schema_conformance")


def _bound(one, where: str):
    def run(case):  # hypothesis refuses a test function with default arguments
        one(case, where)

    return run


def fuzz(schema, prepare: Callable[[object, int], None], per_operation: int) -> tuple[int, list[str], Counter]:
    """Run every operation of ``schema``; ``prepare(case, n)`` may steer the n-th case before it is sent.

    :returns: (cases run, failures, answers counted as "METHOD path status").
    """
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
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001  (schemathesis's FailureGroup is a
            # BaseExceptionGroup: collect every failed check, keep fuzzing)
            statuses[f"{case.method} {case.operation.path} failed"] += 1
            failures.append(f"{where}: {type(exc).__name__}: {exc}"[:1500])

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            where = f"{operation.method.upper()} {operation.path} [{mode.value}]"
            run = settings(max_examples=per_operation, derandomize=True, database=None, deadline=None,
                           suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])(
                given(case=operation.as_strategy(generation_mode=mode))(_bound(one, where)))
            try:
                run()
            except Unsatisfiable:  # nothing in this operation can be made invalid (no parameters, no body)
                pass
            except Exception as exc:  # noqa: BLE001  (e.g. a strategy that cannot generate)
                failures.append(f"{where}: generation: {type(exc).__name__}: {exc}"[:800])
    return sum(statuses.values()), failures, statuses
