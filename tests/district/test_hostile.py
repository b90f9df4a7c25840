"""Hostile input to the hub's API: odd header bytes, deep or out-of-range JSON, lone surrogates, chunked bodies,
dotted NIKs. Each answers a clear 4xx (or is stored safely), never a 500."""
from __future__ import annotations

import gzip
import json
import socket
import time

import pytest

from tests.district.helpers import make_event, sign

CODE = "33.17.09.2016"


def _signed_post(hub, raw: bytes, *, gzipped: bool = False):
    ts = int(time.time())
    headers = {"X-Anjungan-Village": CODE, "X-Anjungan-Timestamp": str(ts),
               "X-Anjungan-Signature": sign(hub.secrets[CODE], ts, raw)}
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return hub.client.post("/api/v1/sync/batches", data=raw, headers=headers)


def _code(answer) -> str:
    return answer.get_json()["error"]["code"]


@pytest.mark.parametrize("header", ["X-Anjungan-Signature", "X-Anjungan-Timestamp"])
@pytest.mark.parametrize("value", ["\xe9", "1700000000\xb2", "²", "١٧٠٠٠٠٠٠٠٠"])
def test_non_ascii_signing_headers_are_400_on_every_signed_route(hub, header, value):
    base = {"X-Anjungan-Village": CODE, "X-Anjungan-Timestamp": str(int(time.time())),
            "X-Anjungan-Signature": "a" * 64, "X-Anjungan-Backup-Name": "a.enc",
            "X-Anjungan-Content-SHA256": "b" * 64, header: value}
    for method, path in (("POST", "/api/v1/sync/batches"), ("GET", "/api/v1/sync/config"),
                         ("POST", "/api/v1/backups")):
        answer = hub.client.open(path, method=method, data=b"{}", headers=base)
        assert answer.status_code in (400, 401), (path, answer.status_code)
        assert _code(answer) in ("bad_header", "bad_signature")


def test_a_unicode_digit_timestamp_is_not_a_timestamp(hub, events):
    """`²`.isdigit() is True; the hub reads only ASCII digits."""
    body = json.dumps({"village": CODE, "events": events(1, 1)}).encode()
    headers = {"X-Anjungan-Village": CODE, "X-Anjungan-Timestamp": "١٧٠٠٠٠٠٠٠٠",
               "X-Anjungan-Signature": "a" * 64}
    answer = hub.client.post("/api/v1/sync/batches", data=body, headers=headers)
    assert answer.status_code == 400 and _code(answer) == "bad_header"


def test_deep_json_in_a_signed_batch_is_400(hub):
    for raw in (b"[" * 100_000, b'{"village": "33.17.09.2016", "events": [' + b"{\"a\":" * 50 + b"1" + b"}" * 50
                + b"]}"):
        answer = _signed_post(hub, raw)
        assert answer.status_code == 400 and _code(answer) == "too_deep"


@pytest.mark.parametrize("bad", [{"occurred_at": "9999-12-31T23:59:59-23:59"},
                                 {"occurred_at": "0001-01-01T00:00:00+23:59"},
                                 {"business_date": "9999-12-31"}, {"seq": 2 ** 70}])
def test_out_of_range_fields_are_400(hub, bad):
    event = {**make_event(1), **bad}
    answer = _signed_post(hub, json.dumps({"village": CODE, "events": [event]}).encode())
    assert answer.status_code == 400
    assert _code(answer) in ("malformed", "number_out_of_range")


def test_nan_and_huge_numbers_are_400(hub):
    for raw in (b'{"village": "33.17.09.2016", "events": [], "x": NaN}',
                b'{"village": "33.17.09.2016", "events": [], "x": 1e999}'):
        answer = _signed_post(hub, raw)
        assert answer.status_code == 400, raw


def test_a_lone_surrogate_is_stored_replaced_so_the_edge_moves_on(hub):
    """A "\\ud800" (valid JSON, no valid text) in a type's data, a key and a device name: the batch is
    acknowledged, and the stored text carries U+FFFD where the surrogate was."""
    events = [make_event(1, "letter.requested", service="\ud800", **{"field\udfff": "x\u0000y"}),
              make_event(2, "device.status", device_id=7, device="kios\ud800", kind="kiosk", online=True)]
    raw = json.dumps({"village": CODE, "events": events}).encode()  # ensure_ascii: \ud800 escapes
    assert b"\\ud800" in raw
    answer = _signed_post(hub, gzip.compress(raw), gzipped=True)
    assert answer.status_code == 200 and answer.get_json()["acked_through"] == 2
    with hub.app.app_context():
        from district.models import DeviceState, Event

        stored = json.loads(Event.get(Event.seq == 1).data)
        assert stored == {"service": "\ufffd", "field\ufffd": "x\ufffdy"}
        assert DeviceState.get(DeviceState.device_id == 7).device == "kios\ufffd"


def test_integers_too_big_for_their_columns_do_not_break_the_batch(hub):
    events = [make_event(1, "ticket.called", wait_seconds=2 ** 40),
              make_event(2, "device.status", device_id=2 ** 40, device="x")]
    answer = _signed_post(hub, json.dumps({"village": CODE, "events": events}).encode())
    assert answer.status_code == 200 and answer.get_json()["acked_through"] == 2
    with hub.app.app_context():
        from district.models import DeviceState, Event

        assert Event.get(Event.seq == 1).metric is None
        assert DeviceState.select().count() == 0


@pytest.mark.parametrize("where", [
    {"type": "letter.33.17.09.530670.0001"}, {"type": "letter.nik_3317095306700001"},
    {"data": {"ticket": "33.17.09.530670.0001"}}, {"data": {"note": "3317-0953-0670-0001"}},
    {"data": {"331709.530670.0001": 1}}, {"data": {"n": 3317095306700001.0}}])
def test_dotted_and_type_embedded_niks_are_refused(hub, where):
    event = {**make_event(1), **where}
    answer = _signed_post(hub, json.dumps({"village": CODE, "events": [event]}).encode())
    assert answer.status_code == 400 and _code(answer) == "personal_data"


def test_uuids_and_date_ranges_are_not_taken_for_niks(hub):
    event = make_event(1, data_period="2026-01-05 2026-01-06", ticket_uuid="12345678-1234-4123-8123-123456789012")
    answer = _signed_post(hub, json.dumps({"village": CODE, "events": [event]}).encode())
    assert answer.status_code == 200


def test_a_wrong_method_is_405_with_allow(sqlite_hub):
    for method, path, allowed in (("GET", "/api/v1/sync/batches", "POST"), ("POST", "/api/v1/sync/config", "GET"),
                                  ("DELETE", "/api/v1/backups", "POST")):
        answer = sqlite_hub.client.open(path, method=method)
        assert answer.status_code == 405 and _code(answer) == "method_not_allowed"
        assert allowed in {m.strip() for m in answer.headers["Allow"].split(",")}


# ---- against a real server (gunicorn), raw bytes on the socket ---------------------------------------------

@pytest.fixture(scope="module")
def real_hub(tmp_path_factory):
    from tests.sync.processes import District, stop

    district = District(tmp_path_factory.mktemp("hostile") / "district")
    host, port = district.url[len("http://"):].split(":")
    yield district, host, int(port)
    stop(district.proc)


def _raw_request(host: str, port: int, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
    """Send bytes as they are; stop sending as soon as the server answers (a 413 comes before the end)."""
    import select

    data, sent, answer = head + body, 0, b""
    with socket.create_connection((host, port), timeout=30) as sock:
        try:
            while sent < len(data) and not select.select([sock], [], [], 0)[0]:
                sent += sock.send(data[sent:sent + 65536])
            sock.shutdown(socket.SHUT_WR)
        except OSError:  # the server answered and closed while we were still sending
            pass
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    assert answer, "no answer"
    return int(answer.split(b" ", 2)[1]), answer


@pytest.mark.parametrize("value", [b"\xe9", b"\xc2\xb2", b"1700000000\xc2\xb2"])
@pytest.mark.parametrize("header", [b"X-Anjungan-Signature", b"X-Anjungan-Timestamp"])
def test_raw_non_ascii_header_bytes_on_a_real_server(real_hub, header, value):
    district, host, port = real_hub
    for request_line in (b"POST /api/v1/sync/batches", b"GET /api/v1/sync/config", b"POST /api/v1/backups"):
        head = (request_line + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n"
                b"X-Anjungan-Village: 33.17.09.2016\r\nX-Anjungan-Backup-Name: a.enc\r\n"
                b"X-Anjungan-Timestamp: 1700000000\r\nX-Anjungan-Signature: " + b"a" * 64 + b"\r\n"
                + header + b": " + value + b"\r\n\r\n")
        status, answer = _raw_request(host, port, head, b"{}")
        assert status in (400, 401), (request_line, answer[:300])
        assert b'"error"' in answer


def test_a_chunked_batch_over_the_limit_is_413_and_one_under_it_is_stored(real_hub):
    """3 MiB sent chunked (no Content-Length) is too large (413), not a bad signature; a signed chunked batch
    that arrives in many pieces is read whole and stored."""
    district, host, port = real_hub
    secret = district.demo["villages"][CODE]["secret"]

    def chunked(body: bytes, piece: int = 8192) -> bytes:
        out = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + piece]), body[i:i + piece])
                       for i in range(0, len(body), piece))
        return out + b"0\r\n\r\n"

    def head(body: bytes) -> bytes:
        ts = int(time.time())
        return (b"POST /api/v1/sync/batches HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                b"Transfer-Encoding: chunked\r\nX-Anjungan-Village: 33.17.09.2016\r\n"
                b"X-Anjungan-Timestamp: %d\r\nX-Anjungan-Signature: %s\r\n\r\n"
                % (ts, sign(secret, ts, body).encode()))

    big = json.dumps({"village": CODE, "events": [], "pad": "x" * (3 * 1024 * 1024)}).encode()
    status, answer = _raw_request(host, port, head(big), chunked(big))
    assert status == 413 and b"too_large" in answer, answer[:300]
    events = [make_event(seq, note="y" * 2000) for seq in range(1, 201)]  # ~450 KB in 55 pieces
    body = json.dumps({"village": CODE, "events": events}).encode()
    status, answer = _raw_request(host, port, head(body), chunked(body))
    assert status == 200, answer[:300]
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["acked_through"] == 200
