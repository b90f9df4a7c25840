"""Survei Kepuasan Masyarakat: tablet answers per finished ticket, kiosk answers, results, outbox without identity."""
import json
import re

import pytest

from edge_server.models import OutboxEvent
from edge_server.survey import rules


def finish_one(staff, kiosk, service="A", counter=1):
    t = kiosk.post("/api/v1/tickets", json={"service": service}).get_json()["ticket"]
    staff.post(f"/staff/api/counters/{counter}/call-next")
    staff.post(f"/staff/api/tickets/{t['id']}/finish")
    return t


def tablet_csrf(client):
    page = client.get("/survey?counter=1")
    assert page.status_code == 200 and "Bagaimana pelayanan kami hari ini?" in page.data.decode()
    return re.search(rb'name="csrf-token" content="([^"]+)"', page.data).group(1).decode()


def test_rules_refuse_answers_the_survey_does_not_offer():
    assert rules.validate_answer(5, "") == (5, "")
    assert rules.validate_answer(2, "waktu_tunggu") == (2, "waktu_tunggu")
    for score, improve in [(0, ""), (6, ""), ("5", ""), (True, ""), (3, "gratis"), (3, 7)]:
        with pytest.raises(rules.SurveyError):
            rules.validate_answer(score, improve)


def test_summary_counts_average_and_topics():
    result = rules.summarise("A", [(5, ""), (4, ""), (1, "waktu_tunggu"), (2, "waktu_tunggu")])
    assert result.answers == 4 and result.average == 3.0 and result.satisfied_percent == 50.0
    assert result.distribution == {1: 1, 2: 1, 3: 0, 4: 1, 5: 1}
    assert result.improve == {"waktu_tunggu": 2}
    assert rules.summarise("B", []).average is None


def test_tablet_asks_about_the_ticket_just_finished_once(client, staff, kiosk, app):
    assert client.get("/survey/pending?counter=1").get_json() == {"ticket": None}
    t = finish_one(staff, kiosk)
    pending = client.get("/survey/pending?counter=1").get_json()["ticket"]
    assert pending["number"] == t["number"] and "nik" not in json.dumps(pending).lower()
    csrf = tablet_csrf(client)
    r = client.post("/survey/answers", json={"ticket_id": t["id"], "score": 2, "improve": "waktu_tunggu"},
                    headers={"X-CSRFToken": csrf})
    assert r.status_code == 201
    assert client.get("/survey/pending?counter=1").get_json() == {"ticket": None}
    again = client.post("/survey/answers", json={"ticket_id": t["id"], "score": 5}, headers={"X-CSRFToken": csrf})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_answered"


def test_tablet_answer_needs_csrf(client, staff, kiosk):
    t = finish_one(staff, kiosk)
    assert client.post("/survey/answers", json={"ticket_id": t["id"], "score": 4}).status_code == 400


def test_survey_for_a_ticket_closes_after_the_window(client, staff, kiosk, travel):
    t = finish_one(staff, kiosk)
    travel(minutes=rules.ANSWER_WINDOW_MINUTES + 1)
    assert client.get("/survey/pending?counter=1").get_json() == {"ticket": None}
    r = client.post("/survey/answers", json={"ticket_id": t["id"], "score": 4},
                    headers={"X-CSRFToken": tablet_csrf(client)})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "survey_closed"


def test_unfinished_ticket_cannot_be_rated(client, kiosk):
    t = kiosk.post("/api/v1/tickets", json={"service": "A"}).get_json()["ticket"]
    r = client.post("/survey/answers", json={"ticket_id": t["id"], "score": 4},
                    headers={"X-CSRFToken": tablet_csrf(client)})
    assert r.status_code == 409


def test_kiosk_question_and_answer(kiosk):
    q = kiosk.get("/api/v1/survey").get_json()
    assert q["question"] and [s["score"] for s in q["scores"]] == [1, 2, 3, 4, 5]
    assert kiosk.post("/api/v1/survey", json={"score": 5, "service": "B"}).status_code == 201
    bad = kiosk.post("/api/v1/survey", json={"score": 9})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_answer"


def test_results_per_service_and_month_in_the_console(staff, kiosk, client):
    t = finish_one(staff, kiosk, "A")
    client.post("/survey/answers", json={"ticket_id": t["id"], "score": 1, "improve": "keramahan"},
                headers={"X-CSRFToken": tablet_csrf(client)})
    kiosk.post("/api/v1/survey", json={"score": 5, "service": "A"})
    kiosk.post("/api/v1/survey", json={"score": 4, "service": "C"})
    page = staff.get("/staff/survey").data.decode()
    row_a = re.search(r'<tr data-service="A">(.*?)</tr>', page, re.S).group(1)
    assert '<td class="answers">2</td>' in row_a and '<td class="average">3.0</td>' in row_a
    assert "Keramahan petugas: 1" in row_a
    total = re.search(r'<tr data-service="Total">(.*?)</tr>', page, re.S).group(1)
    assert '<td class="answers">3</td>' in total
    other_month = staff.get("/staff/survey?month=2020-01").data.decode()
    assert '<td class="answers">0</td>' in re.search(r'<tr data-service="Total">(.*?)</tr>', other_month, re.S).group(1)


def test_answers_travel_to_the_district_without_identity(app, staff, kiosk, client):
    t = finish_one(staff, kiosk, "B", counter=2)
    client.post("/survey/answers", json={"ticket_id": t["id"], "score": 4},
                headers={"X-CSRFToken": tablet_csrf(client)})
    with app.app_context():
        event = OutboxEvent.select().where(OutboxEvent.type == "survey.answered").get()
    data = json.loads(event.data)
    assert data == {"service": "B", "score": 4, "improve": "", "source": "tablet"}
