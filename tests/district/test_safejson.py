"""The one JSON guard: nesting, numbers, encoding and unstorable text, for sync batches and request.get_json()."""
from __future__ import annotations

import pytest

from district.safejson import JsonRefused, load_json


def _refused(raw, **limits) -> str:
    with pytest.raises(JsonRefused) as caught:
        load_json(raw, max_bytes=limits.pop("max_bytes", 10 ** 7), **limits)
    return caught.value.code


def test_depth_counts_brackets_outside_strings_only():
    text = b'{"a": [1, {"b": "[[[[{{{{"}], "c": "\\"]]"}'
    assert load_json(text, max_bytes=1000, max_depth=3) == {"a": [1, {"b": "[[[[{{{{"}], "c": '"]]'}
    assert _refused(text, max_depth=2) == "too_deep"
    assert load_json(b"[" + b"[]," * 1000 + b"[]]", max_bytes=10 ** 4, max_depth=2) == [[]] * 1001
    assert _refused(b"[" * 40 + b"]" * 40) == "too_deep"  # forty brackets, all nested
    assert load_json(b'{"a": "' + b"[" * 5000 + b'"}', max_bytes=10 ** 6) == {"a": "[" * 5000}


def test_deep_huge_odd_and_broken_bodies_are_refused_with_a_code():
    assert _refused(b"[" * 100_000) == "too_deep"
    assert _refused(b'{"a":' * 33 + b"1" + b"}" * 33) == "too_deep"
    assert load_json(b'{"a":' * 32 + b"1" + b"}" * 32, max_bytes=10 ** 6) is not None
    assert _refused(b"[" + b"9" * 30 + b"]") == "number_out_of_range"
    assert _refused(b"[-9223372036854775809]") == "number_out_of_range"
    assert load_json(b"[9223372036854775807]", max_bytes=100) == [2 ** 63 - 1]
    assert _refused(b"[1e999]") == "number_out_of_range"
    assert _refused(b"[NaN]") == "malformed" and _refused(b"[-Infinity]") == "malformed"
    assert _refused(b'["\xe9"]') == "malformed"  # Latin-1, not UTF-8
    assert _refused(b"[1, 2") == "malformed"
    assert _refused(b"[" + b"9" * 5000 + b"]") in ("malformed", "number_out_of_range")
    assert _refused(b"[1]" + b" " * 100, max_bytes=50) == "too_large"


def test_lone_surrogates_and_nul_become_replacement_characters_in_keys_and_values():
    parsed = load_json(b'{"a\\ud800": ["\\udfff", "ok \\u00e9", "x\\u0000"], "b": {"\\ud83d\\ude00": 1}}',
                       max_bytes=1000)
    assert parsed == {"a\ufffd": ["\ufffd", "ok \u00e9", "x\ufffd"], "b": {"\U0001F600": 1}}


def test_request_get_json_goes_through_the_guard(sqlite_hub):
    from flask import request
    from werkzeug.exceptions import BadRequest

    app = sqlite_hub.app
    with app.test_request_context("/x", method="POST", data=b"[" * 5000, content_type="application/json"):
        with pytest.raises(BadRequest):
            request.get_json()
    with app.test_request_context("/x", method="POST", data=b'{"a": "\\ud800"}', content_type="application/json"):
        assert request.get_json() == {"a": "\ufffd"}
