"""Staff login and the counter's JSON actions (CONTRACTS.md section 3) through the Flask test client."""
import re
from datetime import timedelta

import pytest

from tests.edge_server.conftest import login


def take(kiosk, service="A", priority=False):
    return kiosk.post("/api/v1/tickets", json={"service": service, "priority": priority}).get_json()["ticket"]


def test_login_form_has_the_contract_fields(client):
    page = client.get("/staff/login").data.decode()
    for name in ('name="username"', 'name="password"', 'name="csrf_token"'):
        assert name in page


def test_login_leads_to_console_home_with_csrf_meta(client, demo):
    op = next(s for s in demo["staff"] if s["role"] == "operator")
    r = login(client, op["username"], op["password"])
    assert r.status_code == 302 and r.headers["Location"].endswith("/staff/")
    home = client.get("/staff/")
    assert home.status_code == 200
    assert re.search(rb'<meta name="csrf-token" content="[^"]+"', home.data)


def test_wrong_password_is_refused_plainly(client, demo):
    r = login(client, "admin", "wrong")
    assert r.status_code == 401
    assert "salah" in r.data.decode()
    assert client.get("/staff/").status_code == 302


def test_login_without_csrf_token_is_refused(client, demo):
    admin = demo["staff"][0]
    r = client.post("/staff/login", data={"username": admin["username"], "password": admin["password"]})
    assert r.status_code == 400
    assert client.get("/staff/").status_code == 302


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, demo, travel):
    admin = next(s for s in demo["staff"] if s["role"] == "admin")
    for _ in range(5):
        assert login(client, "admin", "nope").status_code == 401
    assert login(client, "admin", admin["password"]).status_code == 429
    travel(minutes=6)
    assert login(client, "admin", admin["password"]).status_code == 302


def test_session_expires(client, demo, app):
    """GIVEN a logged-in session WHEN its lifetime passes THEN the console asks for a login again."""
    import time

    admin = demo["staff"][0]
    login(client, admin["username"], admin["password"])
    assert client.get("/staff/").status_code == 200
    app.permanent_session_lifetime = timedelta(seconds=1)
    time.sleep(2.1)
    assert client.get("/staff/").status_code == 302


def test_staff_api_without_csrf_header_is_400(staff):
    r = staff.raw.post("/staff/api/counters/1/call-next", json={})
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "csrf_failed"


def test_staff_api_without_login_is_401(client):
    r = client.get("/staff/api/devices")
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "login_required"


def test_call_next_takes_priority_first_then_oldest(staff, kiosk):
    a1 = take(kiosk, "A")
    take(kiosk, "A")
    prio = take(kiosk, "B", priority=True)
    first = staff.post("/staff/api/counters/1/call-next").get_json()["ticket"]
    second = staff.post("/staff/api/counters/1/call-next").get_json()["ticket"]
    assert first["id"] == prio["id"] and first["status"] == "called" and first["counter"] == 1
    assert second["id"] == a1["id"]


def test_counter_only_calls_services_it_serves(staff, kiosk):
    take(kiosk, "C")
    assert staff.post("/staff/api/counters/1/call-next").get_json() == {"ticket": None}
    assert staff.post("/staff/api/counters/2/call-next").get_json()["ticket"]["service"] == "C"


def test_unknown_counter_is_404(staff):
    r = staff.post("/staff/api/counters/9/call-next")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "unknown_counter"


def test_whole_life_of_a_ticket(staff, kiosk):
    t = take(kiosk)
    staff.post("/staff/api/counters/2/call-next")
    recalled = staff.post(f"/staff/api/tickets/{t['id']}/recall").get_json()["ticket"]
    assert recalled["status"] == "called" and recalled["recall_count"] == 1
    assert staff.post(f"/staff/api/tickets/{t['id']}/start").get_json()["ticket"]["status"] == "serving"
    assert staff.post(f"/staff/api/tickets/{t['id']}/finish").get_json()["ticket"]["status"] == "done"
    r = staff.post(f"/staff/api/tickets/{t['id']}/start")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "invalid_transition"


def test_no_show(staff, kiosk):
    t = take(kiosk)
    staff.post("/staff/api/counters/1/call-next")
    assert staff.post(f"/staff/api/tickets/{t['id']}/no-show").get_json()["ticket"]["status"] == "no_show"


def test_transfer_keeps_its_place_by_issue_time(staff, kiosk):
    early = take(kiosk, "A")
    take(kiosk, "B")
    take(kiosk, "B")
    staff.post("/staff/api/counters/1/call-next")  # calls `early`
    moved = staff.post(f"/staff/api/tickets/{early['id']}/transfer", json={"service": "B"}).get_json()["ticket"]
    assert moved["service"] == "B" and moved["status"] == "waiting" and moved["number"] == "A-001"
    assert moved["position"] == 0  # issued before both B tickets
    assert staff.post("/staff/api/counters/1/call-next").get_json()["ticket"]["id"] == early["id"]


@pytest.mark.parametrize("body,status", [({}, 400), ({"service": "Z"}, 404), ({"service": "A"}, 409)])
def test_transfer_errors(staff, kiosk, body, status):
    t = take(kiosk, "A")
    assert staff.post(f"/staff/api/tickets/{t['id']}/transfer", json=body).status_code == status


def test_unknown_action_and_ticket(staff, kiosk):
    t = take(kiosk)
    assert staff.post(f"/staff/api/tickets/{t['id']}/explode").status_code == 404
    assert staff.post("/staff/api/tickets/nope/finish").status_code == 404


def test_counter_state_lists_waiting_with_priority(staff, kiosk):
    take(kiosk, "A")
    take(kiosk, "B", priority=True)
    state = staff.get("/staff/api/counters/1/state").get_json()
    assert [w["number"] for w in state["waiting"]] == ["B-001", "A-001"]
    assert state["waiting"][0]["priority"] is True
    staff.post("/staff/api/counters/1/call-next")
    state = staff.get("/staff/api/counters/1/state").get_json()
    assert state["current"]["number"] == "B-001" and state["waiting_total"] == 1


def test_daily_report_counts_and_exports_csv(staff, kiosk, travel):
    t = take(kiosk, "A")
    take(kiosk, "A")
    staff.post("/staff/api/counters/1/call-next")
    travel(minutes=2)
    staff.post(f"/staff/api/tickets/{t['id']}/start")
    travel(minutes=4)
    staff.post(f"/staff/api/tickets/{t['id']}/finish")
    staff.post("/staff/api/counters/1/call-next")
    page = staff.get("/staff/reports/daily").data.decode()
    row = re.search(r'<tr data-service="A">(.*?)</tr>', page, re.S).group(1)
    assert '<td class="issued">2</td>' in row and '<td class="served">1</td>' in row
    csv_text = staff.get("/staff/reports/daily.csv").data.decode()
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("service,service_name,issued,served,no_show")
    a_row = next(line for line in lines if line.startswith("A,"))
    assert a_row.split(",")[2:4] == ["2", "1"]
    assert a_row.split(",")[7] == "4.0"  # average service minutes


def test_operator_cannot_open_admin_pages(app, demo):
    client = app.test_client()
    op = next(s for s in demo["staff"] if s["role"] == "operator")
    login(client, op["username"], op["password"])
    assert client.get("/staff/admin/users").status_code == 302
    assert client.get("/staff/").status_code == 200


def test_admin_makes_a_pairing_code_that_pairs(staff, client):
    page = staff.get("/staff/admin/devices")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    r = staff.raw.post("/staff/admin/devices", data={"action": "pairing-code", "kind": "kiosk",
                                                     "csrf_token": token}, follow_redirects=True)
    code = re.search(r"Kode pemasangan: (\d{6})", r.data.decode()).group(1)
    assert client.post("/api/v1/devices/pair", json={"code": code, "name": "Baru"}).status_code == 201


def test_admin_closes_a_service(staff, kiosk):
    page = staff.get("/staff/admin/services")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    staff.raw.post("/staff/admin/services", data={"code": "A", "name": "Administrasi", "daily_cap": "",
                                                  "csrf_token": token})
    assert kiosk.post("/api/v1/tickets", json={"service": "A"}).status_code == 409


def test_admin_adds_user_who_can_log_in(staff, app):
    page = staff.get("/staff/admin/users")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    r = staff.raw.post("/staff/admin/users", data={"action": "add", "username": "siti", "role": "operator",
                                                   "csrf_token": token}, follow_redirects=True)
    password = re.search(r"untuk siti: (\S+) ", r.data.decode()).group(1)
    assert login(app.test_client(), "siti", password).status_code == 302


def test_console_in_english_for_a_user_who_chose_it(staff):
    page = staff.get("/staff/admin/users")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    staff.raw.post("/staff/language", data={"lang": "en", "csrf_token": token})
    assert "Call next" in staff.get("/staff/counter/1").data.decode()
    staff.raw.post("/staff/language", data={"lang": "id", "csrf_token": token})
    assert "Panggil berikutnya" in staff.get("/staff/counter/1").data.decode()
