"""Beri Nilai Layanan: a face in two taps from home, a low score asks one more question, thanks, then home."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

pytestmark = pytest.mark.edge


def last_answer(edge) -> tuple:
    """The newest survey answer as the edge stored it (score, improve, source, ticket, service)."""
    with sqlite3.connect(os.path.join(edge.data_dir, "edge.sqlite3")) as db:
        return db.execute("SELECT score, improve, source, ticket_id, service_id FROM survey_response "
                          "ORDER BY id DESC LIMIT 1").fetchone()


def open_survey(kiosk) -> None:
    kiosk.tap_text("Beri Nilai Layanan")
    kiosk.wait_until(lambda: kiosk.current == "survey" and any(s.get("emoji") for s in kiosk.screen.scores),
                     what="the question from the edge")
    assert "Bagaimana pelayanan kami hari ini?" in kiosk.texts()


def test_a_good_score_is_two_taps_then_thanks_and_home_by_itself(kiosk, edge):
    open_survey(kiosk)
    faces = sorted((b for b in kiosk.buttons() if hasattr(b, "score")), key=lambda b: b.x)
    assert [b.title for b in faces] == ["Sangat tidak puas", "Tidak puas", "Biasa saja", "Puas", "Sangat puas"]
    assert all(min(b.size) >= 90 * kiosk.app.s for b in faces)
    kiosk.tap_text("Sangat puas")
    kiosk.wait_until(lambda: kiosk.screen.step == "thanks", what="thanks")
    assert kiosk.taps == 2
    assert last_answer(edge) == (5, "", "kiosk", None, None)
    assert "Terima kasih atas penilaian Anda!" in kiosk.texts()
    kiosk.advance(4)
    assert kiosk.current == "survey"
    kiosk.advance(1.5, until=lambda: kiosk.current == "home", what="home")


def test_a_low_score_asks_what_to_improve_and_sends_no_identity(kiosk, edge):
    """GIVEN a resident identified by e-KTP WHEN they rate the service THEN the answer carries no session."""
    resident = edge.residents(with_rfid=True)[0]
    kiosk.scan(resident["rfid"])
    kiosk.wait_until(lambda: kiosk.app.resident_name, what="greeting")
    client = kiosk.app.controller.client
    sent: list[tuple] = []
    real = client.http.request
    client.http.request = lambda method, url, body=None, headers=None, **kw: (
        sent.append((method, url, body, headers)) or real(method, url, body, headers, **kw))
    try:
        kiosk.taps = 0
        open_survey(kiosk)
        kiosk.tap_text("Tidak puas")
        assert kiosk.screen.step == "improve" and "Apa yang perlu kami perbaiki?" in kiosk.texts()
        assert "Lewati" in [b.title for b in kiosk.buttons()]
        kiosk.tap_text("Waktu tunggu")
        kiosk.wait_until(lambda: kiosk.screen.step == "thanks", what="thanks")
    finally:
        client.http.request = real
    assert kiosk.taps == 3
    assert last_answer(edge) == (2, "waktu_tunggu", "kiosk", None, None)
    posted = [(body, headers) for method, url, body, headers in sent if method == "POST" and url.endswith("/survey")]
    assert posted and "X-Kiosk-Session" not in posted[0][1]
    assert json.loads(posted[0][0]) == {"score": 2, "improve": "waktu_tunggu"}


def test_lewati_sends_the_score_alone_in_english_too(kiosk, edge):
    kiosk.tap_text("English")
    kiosk.tap_text("Rate Our Service")
    kiosk.wait_until(lambda: kiosk.current == "survey" and any(s.get("emoji") for s in kiosk.screen.scores),
                     what="the question")
    assert "How was our service today?" in kiosk.texts()
    kiosk.tap_text("Okay")
    kiosk.tap_text("Skip")
    kiosk.wait_until(lambda: kiosk.screen.step == "thanks", what="thanks")
    assert last_answer(edge) == (3, "", "kiosk", None, None)
