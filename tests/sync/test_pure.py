"""Signing, batching, backoff and answer classification: pure functions, no network."""
from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import random
from datetime import date, datetime

from edge_server.sync.backoff import backoff_delay
from edge_server.sync.batching import MAX_BYTES, batch_body, compress, event_json, take_batch
from edge_server.sync.client import Acked, ClockSkew, Failed, SeqConflict, classify
from edge_server.sync.signing import signature, signed_headers


def test_signature_is_hmac_of_timestamp_dot_body():
    expected = hmac.new(b"s3cret", b"1700000000." + b"body", hashlib.sha256).hexdigest()
    assert signature("s3cret", 1700000000, b"body") == expected


def test_signed_headers_follow_the_contract():
    headers = signed_headers("33.17.09.2016", "k", 1700000000, b"x", gzipped=True)
    assert headers["X-Anjungan-Village"] == "33.17.09.2016"
    assert headers["X-Anjungan-Timestamp"] == "1700000000"
    assert headers["X-Anjungan-Signature"] == signature("k", 1700000000, b"x")
    assert headers["Content-Encoding"] == "gzip"


def test_district_verifies_what_the_edge_signs():
    from district.signing import signature_ok

    assert signature_ok("k", "1700000000", b"x", signature("k", 1700000000, b"x"))
    assert not signature_ok("k", "1700000001", b"x", signature("k", 1700000000, b"x"))


def _events(n: int, pad: int = 0) -> list[dict]:
    return [event_json(f"id-{i}", i + 1, "ticket.issued", datetime(2026, 11, 2, 1, 0), date(2026, 11, 2),
                       {"service": "A", "pad": "x" * pad}) for i in range(n)]


def test_batches_hold_at_most_500_events():
    assert len(take_batch(_events(1200))) == 500
    assert len(take_batch(_events(12))) == 12
    assert take_batch([]) == []


def test_batches_hold_at_most_256_kib():
    batch = take_batch(_events(100, pad=10_000))
    assert 0 < len(batch) < 100
    assert len(batch_body("33.17.09.2016", batch)) <= MAX_BYTES
    assert len(take_batch(_events(1, pad=400_000))) == 1  # one huge event still goes, alone


def test_batch_body_round_trips_through_gzip():
    events = _events(3)
    body = compress(batch_body("33.17.09.2016", events))
    decoded = json.loads(gzip.decompress(body))
    assert decoded == {"village": "33.17.09.2016", "events": events}
    assert decoded["events"][0]["occurred_at"] == "2026-11-02T01:00:00Z"
    assert compress(batch_body("v", events)) == compress(batch_body("v", events))  # deterministic


def test_backoff_grows_and_is_capped_with_jitter():
    rand = random.Random(1)
    delays = [backoff_delay(n, 2.0, 240.0, rand) for n in range(1, 12)]
    assert backoff_delay(0, 2, 240) == 0
    assert 1.0 <= delays[0] <= 2.0
    assert all(120.0 <= d <= 240.0 for d in delays[8:])
    assert len({round(backoff_delay(5, 2, 240, rand), 3) for _ in range(20)}) > 1  # jitter


def test_answers_are_classified():
    assert classify(200, {"acked_through": 7, "stored": 3, "duplicates": 1}) == Acked(7, 3, 1)
    assert classify(401, {"error": {"code": "clock_skew"}, "server_time": 1700000600}) == ClockSkew(1700000600.0)
    assert classify(409, {"error": {"code": "seq_conflict"}, "acked_through": 4, "conflict_seq": 3}) == \
        SeqConflict(4, 3)
    bad = classify(401, {"error": {"code": "bad_signature"}})
    assert isinstance(bad, Failed) and bad.status == 401 and "tanda tangan" in bad.reason
    assert isinstance(classify(503, {}), Failed)
    assert isinstance(classify(200, {}), Failed)  # a 200 without acked_through is not an acknowledgement
