"""Lockouts that hold against parallel guesses (staff login, PIN, pairing code), on a real waitress server on
127.0.0.1, and console logins that end on the server (logout, password change, user disabled, idle)."""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from waitress import create_server

from edge_server.models import StaffSession
from edge_server.staff import sessions
from tests.tools import stop_waitress

from .conftest import login

PARALLEL = 20


@pytest.fixture
def server(app):
    """The app on waitress at 127.0.0.1 (24 threads, as in production)."""
    httpd = create_server(app, host="127.0.0.1", port=0, threads=24, ident="test-edge")
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.effective_port}"
    stop_waitress(httpd, thread)


def _login_form(base: str) -> tuple[requests.Session, str]:
    http = requests.Session()
    page = http.get(f"{base}/staff/login", timeout=10)
    return http, re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _parallel(func, count: int = PARALLEL) -> list[int]:
    barrier = threading.Barrier(count)

    def one(i):
        barrier.wait()
        return func(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def _count_calls(monkeypatch, module, name: str) -> list:
    calls = []
    real = getattr(module, name)

    def counted(*args, **kw):
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_twenty_parallel_wrong_passwords_check_at_most_five(server, demo, app, monkeypatch):
    """GIVEN limit 5 WHEN 20 wrong passwords for one user arrive at once THEN at most 5 are hashed and
    answered 401, the rest 429; the right password is then refused too (locked)."""
    from edge_server.staff import auth

    user = next(s for s in demo["staff"] if s["role"] == "admin")
    forms = [_login_form(server) for _ in range(PARALLEL)]
    hashed = _count_calls(monkeypatch, auth, "check_secret")

    def guess(i):
        http, token = forms[i]
        return http.post(f"{server}/staff/login", data={"username": user["username"], "password": f"salah{i}",
                                                        "csrf_token": token}, timeout=30,
                         allow_redirects=False).status_code

    codes = _parallel(guess)
    assert codes.count(401) <= 5 and codes.count(401) + codes.count(429) == PARALLEL, codes
    assert len(hashed) <= 5
    http, token = _login_form(server)
    right = http.post(f"{server}/staff/login", data={"username": user["username"], "password": user["password"],
                                                     "csrf_token": token}, allow_redirects=False, timeout=10)
    assert right.status_code == 429


def test_twenty_parallel_wrong_pins_check_at_most_three(server, demo, monkeypatch):
    from edge_server.residents import identity

    person = next(r for r in demo["residents"] if "pin" in r)
    hashed = _count_calls(monkeypatch, identity, "check_secret")
    headers = {"Authorization": f"Bearer {demo['kiosk_token']}"}

    def guess(i):
        return requests.post(f"{server}/api/v1/identify", json={"nik": person["nik"], "pin": f"{i:06d}"},
                             headers=headers, timeout=30).status_code

    codes = _parallel(guess)
    assert codes.count(401) <= 3 and codes.count(401) + codes.count(429) == PARALLEL, codes
    assert len(hashed) <= 3


def test_twenty_parallel_pairing_guesses_try_at_most_ten_codes(server, demo, monkeypatch):
    from edge_server import devices

    looked_up = _count_calls(monkeypatch, devices, "token_digest")

    def guess(i):
        return requests.post(f"{server}/api/v1/devices/pair", json={"code": f"{i:06d}", "name": "x"},
                             timeout=30).status_code

    codes = _parallel(guess)
    assert codes.count(401) <= 10 and codes.count(401) + codes.count(429) == PARALLEL, codes
    assert len(looked_up) <= 10
    late = requests.post(f"{server}/api/v1/devices/pair", json={"code": demo["pairing_code"], "name": "x"}, timeout=10)
    assert late.status_code == 429


def test_a_right_pairing_code_does_not_use_up_a_try(client, demo):
    assert client.post("/api/v1/devices/pair", json={"code": demo["pairing_code"], "name": "Teras"}).status_code == 201
    codes = [client.post("/api/v1/devices/pair", json={"code": f"{i:06d}", "name": "x"}).status_code
             for i in range(11)]
    assert codes == [401] * 10 + [429]


def _cookie_client(app, cookie_value: str):
    """Another browser holding a copy of a saved session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie_value)
    return other


def _logged_in(app, demo, role="admin"):
    client = app.test_client()
    user = next(s for s in demo["staff"] if s["role"] == role)
    assert login(client, user["username"], user["password"]).status_code == 302
    home = client.get("/staff/")
    csrf = re.search(rb'name="csrf-token" content="([^"]+)"', home.data).group(1).decode()
    cookie = client.get_cookie("session")
    return client, csrf, cookie.value, user


def _call_next(client, csrf):
    return client.post("/staff/api/counters/1/call-next", json={}, headers={"X-CSRFToken": csrf})


def test_a_cookie_saved_before_logout_no_longer_works(app, demo):
    """GIVEN a logged-in operator whose cookie an attacker copied WHEN the operator logs out THEN the copy
    cannot call tickets any more (401), though its signature is still valid."""
    client, csrf, saved, _user = _logged_in(app, demo)
    thief = _cookie_client(app, saved)
    assert _call_next(thief, csrf).status_code == 200
    assert client.post("/staff/logout", data={"csrf_token": csrf}).status_code == 302
    replay = _call_next(thief, csrf)
    assert replay.status_code == 401 and replay.get_json()["error"]["code"] == "login_required"
    assert thief.get("/staff/").status_code == 302  # pages send it to the login form


def test_a_password_change_ends_the_other_logins_but_not_this_one(app, demo):
    client, csrf, _mine, user = _logged_in(app, demo)
    _other, other_csrf, elsewhere, _ = _logged_in(app, demo)
    r = client.post("/staff/password", data={"current": user["password"], "new": "Kopi-Tubruk-Pagi-77",
                                             "confirm": "Kopi-Tubruk-Pagi-77", "csrf_token": csrf})
    assert r.status_code == 302
    assert _call_next(client, csrf).status_code == 200
    assert _call_next(_cookie_client(app, elsewhere), other_csrf).status_code == 401


def test_disabling_a_user_ends_their_logins(app, demo):
    admin, admin_csrf, _c, _u = _logged_in(app, demo, "admin")
    operator, op_csrf, saved, op_user = _logged_in(app, demo, "operator")
    assert _call_next(operator, op_csrf).status_code == 200
    admin.post("/staff/admin/users", data={"action": "disable", "username": op_user["username"],
                                           "csrf_token": admin_csrf})
    with app.app_context():
        assert not StaffSession.select().where(StaffSession.staff_id == _staff_id(op_user["username"])).exists()
    assert _call_next(_cookie_client(app, saved), op_csrf).status_code == 401


def _staff_id(username):
    from edge_server.models import StaffUser

    return StaffUser.get(StaffUser.username == username).id


def test_an_idle_login_ends_and_an_active_one_lasts(app, demo, monkeypatch):
    client, csrf, _c, _u = _logged_in(app, demo)
    start = sessions.wall_now()
    monkeypatch.setattr(sessions, "wall_now", lambda: start + timedelta(minutes=59))
    assert _call_next(client, csrf).status_code == 200  # used: last_seen moves
    monkeypatch.setattr(sessions, "wall_now", lambda: start + timedelta(minutes=59 + 59))
    assert _call_next(client, csrf).status_code == 200
    monkeypatch.setattr(sessions, "wall_now", lambda: start + timedelta(minutes=59 + 59 + 61))
    assert _call_next(client, csrf).status_code == 401


def test_a_login_ends_after_its_absolute_lifetime(app, demo, monkeypatch):
    client, csrf, _c, _u = _logged_in(app, demo)
    start = sessions.wall_now()
    for minutes in range(50, 480, 50):
        monkeypatch.setattr(sessions, "wall_now", lambda m=minutes: start + timedelta(minutes=m))
        assert _call_next(client, csrf).status_code == 200
    monkeypatch.setattr(sessions, "wall_now", lambda: start + timedelta(minutes=481))
    assert _call_next(client, csrf).status_code == 401


def test_the_cookie_holds_no_user_id_and_the_database_only_a_digest(app, demo):
    from flask.sessions import SecureCookieSessionInterface

    _client, _csrf, saved, _u = _logged_in(app, demo)
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    data = serializer.loads(saved)
    assert "staff_id" not in data and len(data["sid"]) >= 40
    with app.app_context():
        assert not StaffSession.select().where(StaffSession.token_hash == data["sid"]).exists()
        assert StaffSession.select().count() >= 1


def test_migration_6_adds_the_session_table_to_an_older_database(app, cfg):
    """GIVEN a database from before server-side sessions (no staff_session, migration 6 not recorded) WHEN the
    server starts THEN the table is made and logins work."""
    from edge_server import create_app
    from edge_server.db import database

    db = database.obj
    db.execute_sql("DROP TABLE staff_session")
    db.execute_sql("DELETE FROM schema_migration WHERE version = 6")
    db.close()
    again = create_app(cfg, clock=app.extensions["clock"])
    assert "staff_session" in database.obj.get_tables()
    assert database.obj.execute_sql("SELECT 1 FROM schema_migration WHERE version = 6").fetchone()
    assert again is not None
