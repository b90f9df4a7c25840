"""Hostile input the issue found answering 500: deep JSON, huge integers, non-ASCII signatures, lone surrogates,
oversized CSV cells, EPS and oversized pictures. Each answers a 4xx JSON error (or a clean refusal) now."""
from __future__ import annotations

import io
import json
import logging
from datetime import date

import pytest
from PIL import Image

from anjungan_core.webapp import loggable
from edge_server.info import images
from edge_server.inputs import InputError, bounded_int, load_json
from edge_server.residents import importer

DEEP = "[" * 1000
NINES = "9" * 4301


def _error(response, status: int) -> str:
    assert response.status_code == status, (response.status_code, response.data[:200])
    body = response.get_json()
    assert body["error"]["code"] and body["error"]["message"]
    return body["error"]["code"]


@pytest.mark.parametrize("path", ["/api/v1/devices/pair", "/api/v1/devices/heartbeat", "/api/v1/tickets",
                                  "/api/v1/identify", "/api/v1/letters", "/api/v1/survey",
                                  "/api/v1/tickets/x/printed"])
def test_a_thousand_brackets_are_a_400_on_every_kiosk_post(kiosk, path):
    r = kiosk.post(path, data=DEEP, headers={"Content-Type": "application/json", "X-Kiosk-Session": "x"})
    assert r.status_code in (400, 401), r.data[:200]  # 401: the session check may come first (letters)
    assert r.get_json()["error"]["code"] in ("invalid_json", "invalid_session")


def test_deep_json_is_a_400_on_the_public_survey_tablet_and_the_staff_api(client, staff):
    page = client.get("/survey?counter=1")
    assert page.status_code == 200
    assert _error(client.post("/survey/answers", data=DEEP, content_type="application/json"), 400) in (
        "invalid_json", "csrf_failed")
    r = staff.raw.post("/staff/api/tickets/x/transfer", data=DEEP,
                       headers={"Content-Type": "application/json", "X-CSRFToken": staff.token})
    assert _error(r, 400) == "invalid_json"
    assert "bersarang" in r.get_json()["error"]["message"]


def test_the_guard_allows_honest_nesting_and_refuses_deeper():
    assert load_json(json.dumps({"a": [[{"b": [1]}]]})) == {"a": [[{"b": [1]}]]}
    assert load_json("[" * 32 + "]" * 32)
    for raw in ("[" * 33 + "]" * 33, DEEP, "[" * 100_000):
        with pytest.raises(InputError):
            load_json(raw)


@pytest.mark.parametrize("raw", ['"\\ud800"', '{"\\udfff": 1}', '["ok", {"x": "a\\ud83d"}]'])
def test_lone_surrogates_are_refused_by_the_parser(raw):
    with pytest.raises(InputError, match="surrogate"):
        load_json(raw)
    assert load_json('"\\ud83d\\ude00"') == "\U0001F600"  # a proper pair is an emoji, fine


@pytest.mark.parametrize("path,body", [
    ("/api/v1/devices/heartbeat", '{"version": "\\ud800"}'),
    ("/api/v1/survey", '{"score": 5, "improve": "\\ud800"}'),
    ("/api/v1/survey", '{"score": 5, "ticket_id": "\\ud800"}'),
    ("/api/v1/tickets", '{"service": "\\ud800"}'),
    ("/api/v1/identify", '{"scan": "\\ud800"}'),
    ("/api/v1/devices/pair", '{"code": "\\ud800", "name": "x"}'),
])
def test_lone_surrogates_are_a_400_everywhere_in_the_kiosk_api(kiosk, path, body):
    r = kiosk.post(path, data=body, headers={"Content-Type": "application/json"})
    assert _error(r, 400) == "invalid_json"


def test_lone_surrogates_in_letters_and_transfers_are_a_400(kiosk, staff, demo):
    person = next(r for r in demo["residents"] if "pin" in r)
    session = kiosk.post("/api/v1/identify", json={"nik": person["nik"], "pin": person["pin"]}).get_json()["session"]
    for body in ('{"type": "\\ud800", "fields": {}}', '{"type": "S-41", "fields": {"\\ud800": "x"}}',
                 '{"type": "S-41", "fields": {"keperluan": "x\\udc00"}}'):
        r = kiosk.post("/api/v1/letters", data=body, headers={"Content-Type": "application/json",
                                                               "X-Kiosk-Session": session})
        assert _error(r, 400) == "invalid_json"
    ticket = kiosk.post("/api/v1/tickets", json={"service": "A"}).get_json()["ticket"]["id"]
    r = staff.raw.post(f"/staff/api/tickets/{ticket}/transfer", data='{"service": "\\ud800"}',
                       headers={"Content-Type": "application/json", "X-CSRFToken": staff.token})
    assert _error(r, 400) == "invalid_json"


def test_huge_numbers_in_queries_and_paths_are_4xx_not_500(client, staff, kiosk):
    assert _error(client.get(f"/survey/pending?counter={NINES}"), 400) == "invalid_counter"
    assert _error(client.get("/survey/pending?counter=%C2%B2"), 400) == "invalid_counter"  # '²' isdigit()
    r = staff.post("/staff/api/counters/99999999999999999999/call-next")
    assert _error(r, 404) == "unknown_counter"
    assert _error(staff.post(f"/staff/api/counters/{NINES}/call-next"), 404) == "unknown_counter"
    assert _error(client.get("/api/v1/media/announcements/99999999999999999999/x.jpg"), 404) == "not_found"
    assert _error(client.get(f"/api/v1/media/cameras/{NINES}/x.jpg"), 404) == "not_found"
    assert client.get(f"/display/events?after={NINES}", buffered=False).status_code in (200, 503)
    assert staff.get(f"/staff/letters/register?year={NINES}&month=%C2%B2").status_code == 200


@pytest.mark.parametrize("sig", ["%C3%A9", "%F0%9F%98%80", "%ED%A0%80", "%FF"])
def test_non_ascii_media_signatures_are_a_404(client, sig):
    for kind, ext in (("announcements", "jpg"), ("cameras", "jpg"), ("links", "png")):
        assert _error(client.get(f"/api/v1/media/{kind}/1/{sig}.{ext}"), 404) == "not_found"


def test_bounded_int():
    assert bounded_int("42") == 42 and bounded_int(" 7 ", 1, 9) == 7 and bounded_int("-3", -5, 0) == -3
    for raw in (NINES, "²", "٣", "", "-", "1.5", None, 12, "99999999999999999999", "10"):
        assert bounded_int(raw, 0, 9) is None


def test_a_csv_cell_over_128_kib_is_a_reported_error_not_a_500():
    data = ("NIK,Nama,Tanggal Lahir\n3317090101800001," + "x" * (129 * 1024) + ",1980-01-01\n").encode()
    result = importer.parse_residents(data, date(2026, 1, 1))
    assert not result.rows and "CSV" in result.errors[0].text()
    quoted = ('NIK,Nama\n3317090101800001,"' + "y" * (200 * 1024)).encode()  # a quote never closed
    assert importer.parse_residents(quoted, date(2026, 1, 1)).errors


def test_staff_api_500s_are_json_and_the_log_survives_a_surrogate(app, staff, caplog, monkeypatch):
    from edge_server.queue import service as queue

    def broken(*args, **kwargs):
        raise RuntimeError("kaputt \ud800 \udfff")

    monkeypatch.setattr(queue, "call_next", broken)
    with caplog.at_level(logging.ERROR, logger="edge_server"):
        r = staff.post("/staff/api/counters/1/call-next")
    assert _error(r, 500) == "internal_error"
    record = next(rec for rec in caplog.records if "unhandled error" in rec.getMessage())
    message = record.getMessage()
    message.encode("ascii")  # pure ASCII: any log handler can write it
    assert "\\ud800" in message and "RuntimeError" in message
    assert loggable("a\ud800b") == "a\\ud800b"


def test_a_405_carries_allow_and_is_json(kiosk, staff):
    r = kiosk.get("/api/v1/tickets")
    assert _error(r, 405) == "method_not_allowed"
    assert set(r.headers["Allow"].replace(" ", "").split(",")) >= {"POST"}
    r = kiosk.post("/api/v1/services")
    assert _error(r, 405) == "method_not_allowed" and "GET" in r.headers["Allow"]
    r = staff.get("/staff/api/counters/1/call-next")
    assert _error(r, 405) == "method_not_allowed" and "POST" in r.headers["Allow"]


def _picture(fmt: str, size: tuple[int, int], mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "white").save(out, fmt)
    return out.getvalue()


def test_eps_is_never_handed_to_ghostscript(monkeypatch):
    from PIL import EpsImagePlugin

    called = []
    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", lambda *a, **k: called.append(1))
    eps = (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\n%%EndComments\n"
           b"newpath 0 0 moveto 100 100 lineto stroke\nshowpage\n%%EOF\n")
    for data in (eps, _picture("TIFF", (50, 50)), _picture("GIF", (50, 50)), _picture("BMP", (50, 50))):
        with pytest.raises(images.ImageError):
            images.normalise(data)
    assert not called


def test_only_jpeg_png_and_webp_are_decoded_and_big_ones_are_refused_from_the_header():
    for fmt in ("JPEG", "PNG", "WEBP"):
        jpeg, width, height = images.normalise(_picture(fmt, (2400, 1200)))
        assert (width, height) == (1920, 960) and jpeg[:2] == b"\xff\xd8"
    bomb = _picture("PNG", (6300, 6300), "RGBA")  # 164 KiB on the wire, 159 MiB decoded
    assert len(bomb) < 300_000
    with pytest.raises(images.ImageError, match="too large"):
        images.normalise(bomb)
    assert 4000 * 4000 <= images.MAX_PIXELS < 6300 * 6300
