"""Ingest as CONTRACTS.md section 4 says, on SQLite and on PostgreSQL: stored once, refused when wrong."""
from __future__ import annotations

import gzip
import json
import threading
import time

from tests.district.helpers import make_event, today


def test_batch_is_stored_and_acknowledged(hub, events):
    answer = hub.post_batch("33.17.09.2016", events(1, 5))
    assert answer.status_code == 200
    assert answer.get_json() == {"acked_through": 5, "stored": 5, "duplicates": 0}
    summary = hub.summary("3317092016", today()).get_json()
    assert summary["village"] == "33.17.09.2016" and summary["tickets_issued"] == 5 and summary["last_seq"] == 5
    assert summary["last_seen"].endswith("Z")


def test_retries_and_reordering_store_each_event_once(hub, events):
    first, second, third = events(1, 3), events(4, 6), events(7, 9)
    assert hub.post_batch("33.17.09.2016", third).get_json()["acked_through"] == 0  # gap: nothing contiguous yet
    assert hub.post_batch("33.17.09.2016", first).get_json()["acked_through"] == 3
    again = hub.post_batch("33.17.09.2016", first).get_json()
    assert again == {"acked_through": 3, "stored": 0, "duplicates": 3}
    shuffled = list(reversed(second))
    assert hub.post_batch("33.17.09.2016", shuffled).get_json()["acked_through"] == 9
    assert hub.post_batch("33.17.09.2016", first + second + third).get_json()["duplicates"] == 9
    assert hub.summary("33.17.09.2016", today()).get_json()["tickets_issued"] == 9


def test_seq_held_by_another_event_is_a_conflict(hub, events):
    hub.post_batch("33.17.09.2016", events(1, 4))
    restored = events(3, 6)  # an edge restored from a backup: new ids for seqs the hub already has
    answer = hub.post_batch("33.17.09.2016", restored)
    assert answer.status_code == 409
    body = answer.get_json()
    assert body["error"]["code"] == "seq_conflict" and body["acked_through"] == 4 and body["conflict_seq"] == 3
    renumbered = [dict(e, seq=5 + i) for i, e in enumerate(restored)]
    assert hub.post_batch("33.17.09.2016", renumbered).get_json()["acked_through"] == 8


def test_counts_by_business_date_and_type(hub, events):
    batch = (events(1, 3) + [make_event(4, "ticket.called", wait_seconds=120),
                             make_event(5, "ticket.called", wait_seconds=240),
                             make_event(6, "ticket.finished", service_seconds=60),
                             make_event(7, "ticket.no_show"), make_event(8, "letter.requested", letter_type="S-41"),
                             make_event(9, "ticket.issued", day="2026-01-02")])
    assert hub.post_batch("33.17.09.2016", batch).status_code == 200
    summary = hub.summary("33.17.09.2016", today()).get_json()
    assert (summary["tickets_issued"], summary["tickets_served"], summary["tickets_no_show"],
            summary["letters_requested"]) == (3, 1, 1, 1)
    assert hub.summary("33.17.09.2016", "2026-01-02").get_json()["tickets_issued"] == 1


def test_many_villages_at_once(hub, events):
    """GIVEN three villages WHEN each sends 4 batches from two threads at once (every batch twice)
    THEN every event is stored once and each village is acknowledged through 40."""
    errors = []
    batches = {code: [events(start, start + 9) for start in range(1, 41, 10)] for code in hub.secrets}

    def send(code):
        for batch in batches[code]:
            response = hub.post_batch(code, batch)
            if response.status_code != 200:
                errors.append(response.get_json())

    threads = [threading.Thread(target=send, args=(code,)) for code in hub.secrets for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for code in hub.secrets:
        summary = hub.summary(code, today()).get_json()
        assert summary["tickets_issued"] == 40 and summary["last_seq"] == 40


# ---- refused input ---------------------------------------------------------------------------------------

def test_wrong_signature_is_refused(hub, events):
    answer = hub.post_batch("33.17.09.2016", events(1, 1), secret="not-the-secret")
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "bad_signature"
    assert hub.summary("33.17.09.2016", today()).get_json()["tickets_issued"] == 0


def test_replay_outside_the_window_is_clock_skew(hub, events):
    old = int(time.time()) - 301
    answer = hub.post_batch("33.17.09.2016", events(1, 1), timestamp=old)
    assert answer.status_code == 401
    body = answer.get_json()
    assert body["error"]["code"] == "clock_skew" and abs(body["server_time"] - time.time()) < 5


def test_unknown_village_is_forbidden(hub, events):
    answer = hub.post_batch("33.17.09.2099", events(1, 1), secret="whatever")
    assert answer.status_code == 403


def test_malformed_json_is_400(hub):
    answer = hub.post_batch("33.17.09.2016", [], raw=gzip.compress(b"{not json"), compress=True)
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "malformed"
    missing = hub.post_batch("33.17.09.2016", [{"id": "x", "seq": "one"}])
    assert missing.status_code == 400


def test_body_village_must_match_header(hub, events):
    answer = hub.post_batch("33.17.09.2016", events(1, 1), body_village="33.17.09.2001")
    assert answer.status_code == 400


def test_gzip_bomb_is_refused(hub):
    bomb = gzip.compress(b'{"village": "33.17.09.2016", "events": [' + b" " * (20 * 1024 * 1024) + b"]}")
    assert len(bomb) < 100_000
    answer = hub.post_batch("33.17.09.2016", [], raw=bomb, compress=True)
    assert answer.status_code == 413


def test_oversized_body_is_refused(hub):
    answer = hub.post_batch("33.17.09.2016", [], raw=b"x" * (3 * 1024 * 1024), compress=False)
    assert answer.status_code == 413


def test_event_with_a_nik_is_refused(hub):
    with_nik = make_event(1, "ticket.issued", service="A", note="3317094503900001")
    answer = hub.post_batch("33.17.09.2016", [with_nik])
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "personal_data"
    with_name = make_event(1, "letter.requested", nama="Siti Aminah")
    assert hub.post_batch("33.17.09.2016", [with_name]).status_code == 400
    nested = make_event(1, "letter.requested", fields={"nik": "x"})
    assert hub.post_batch("33.17.09.2016", [nested]).status_code == 400
    assert hub.summary("33.17.09.2016", today()).get_json()["last_seq"] == 0


def test_summary_needs_the_admin_token(hub):
    answer = hub.client.get(f"/api/v1/villages/33.17.09.2016/summary?date={today()}",
                            headers={"Authorization": "Bearer wrong"})
    assert answer.status_code == 401


def test_config_is_signed_and_has_an_etag(hub):
    from datetime import datetime, timezone

    from district.announcements import create_announcement
    from tests.district.helpers import sign

    with hub.app.app_context():
        create_announcement("Vaksinasi", "Di puskesmas", None, None, None,
                            datetime.now(timezone.utc).replace(tzinfo=None), "test")
        create_announcement("Hanya Banggi", "", None, None, ["33.17.09.2001"],
                            datetime.now(timezone.utc).replace(tzinfo=None), "test")

    def get(code, etag=None, secret=None):
        ts = int(time.time())
        headers = {"X-Anjungan-Village": code, "X-Anjungan-Timestamp": str(ts),
                   "X-Anjungan-Signature": sign(secret or hub.secrets[code], ts, b"")}
        if etag:
            headers["If-None-Match"] = etag
        return hub.client.get("/api/v1/sync/config", headers=headers)

    first = get("33.17.09.2016")
    assert first.status_code == 200
    assert [a["title"] for a in first.get_json()["announcements"]] == ["Vaksinasi"]
    assert get("33.17.09.2016", etag=first.headers["ETag"]).status_code == 304
    assert len(get("33.17.09.2001").get_json()["announcements"]) == 2
    assert get("33.17.09.2016", secret="bad").status_code == 401
    assert json.loads(first.data)["version"]


def test_ids_and_times_in_any_accepted_spelling_are_stored_as_the_canonical_ones():
    """The edge's own spellings (lowercase UUID, `...Z` seconds) take a fast path; every other spelling the hub
    accepts reads the same as before it."""
    import uuid as uuid_module
    from datetime import datetime

    from district.ingest import IngestError, _valid_event

    value = uuid_module.uuid4()
    base = {"seq": 1, "type": "ticket.issued", "business_date": "2026-11-02", "data": {}}
    for spelled in (str(value), str(value).upper(), "{%s}" % value, value.hex, f"urn:uuid:{value}"):
        assert _valid_event({**base, "id": spelled, "occurred_at": "2026-11-02T03:04:05Z"}, 0)["id"] == str(value)
    times = {"2026-11-02T03:04:05Z": datetime(2026, 11, 2, 3, 4, 5),
             "2026-11-02T10:04:05+07:00": datetime(2026, 11, 2, 3, 4, 5),
             "2026-11-02T03:04:05.250Z": datetime(2026, 11, 2, 3, 4, 5, 250000),
             "2026-11-02T03:04:05": datetime(2026, 11, 2, 3, 4, 5)}
    for spelled, meant in times.items():
        assert _valid_event({**base, "id": str(value), "occurred_at": spelled}, 0)["occurred_at"] == meant
    for bad in ("1999-12-31T23:59:59Z", "2026-13-02T03:04:05Z", "2026-11-02T03:04+07Z", 20261102):
        try:
            _valid_event({**base, "id": str(value), "occurred_at": bad}, 0)
        except IngestError as refused:
            assert refused.status == 400
        else:
            raise AssertionError(f"{bad!r} was accepted")
