"""Dashboard login: the lockout after repeated failures, sessions that expire, CSRF on every form."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import district.dashboard as dashboard_pkg

TEMPLATES = Path(dashboard_pkg.__file__).resolve().parents[1] / "templates"


def _staff(hub, username: str = "dinas") -> str:
    from district.registry import add_staff

    with hub.app.app_context():
        return add_staff(username, datetime.now(timezone.utc).replace(tzinfo=None), "scrypt:1024:8:1")


def _token(client) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)


def _login(client, username: str, password: str):
    return client.post("/login", data={"username": username, "password": password, "csrf_token": _token(client)})


class Clock:
    """The hub's injected clock, moved by hand."""

    def __init__(self, hub):
        self.clock = hub.app.extensions["clock"]

    def advance(self, seconds: float) -> None:
        self.clock.travel(timedelta(seconds=seconds))


def test_five_wrong_passwords_lock_the_name_even_against_the_right_one(hub):
    """GIVEN a staff login WHEN someone tries five wrong passwords THEN the fifth answer is 429 and for five
    minutes even the right password is refused; after that the right password works."""
    clock = Clock(hub)
    password = _staff(hub)
    client = hub.app.test_client()
    answers = [_login(client, "dinas", f"salah{i}").status_code for i in range(5)]
    assert answers == [401, 401, 401, 401, 429]
    locked = _login(client, "dinas", password)
    assert locked.status_code == 429 and "Terlalu banyak percobaan gagal" in locked.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in
    clock.advance(301)
    assert _login(client, "dinas", password).status_code == 302
    assert client.get("/").status_code == 200


def test_a_name_that_does_not_exist_gets_the_same_answers(hub):
    """Unknown and known names answer alike: 401 with the same words, then the same lock after five tries."""
    Clock(hub)
    _staff(hub)
    known, unknown = hub.app.test_client(), hub.app.test_client()
    for attempt in range(5):
        a, b = _login(known, "dinas", f"x{attempt}"), _login(unknown, "tidakada", f"x{attempt}")
        assert a.status_code == b.status_code
        text_a = re.search(r'role="alert">([^<]+)<', a.get_data(as_text=True)).group(1)
        text_b = re.search(r'role="alert">([^<]+)<', b.get_data(as_text=True)).group(1)
        assert text_a == text_b
    assert _login(unknown, "tidakada", "x").status_code == 429


def test_a_success_forgets_failures_and_other_names_are_not_locked(hub):
    Clock(hub)
    password = _staff(hub)
    other = _staff(hub, "camat")
    client = hub.app.test_client()
    for i in range(4):
        assert _login(client, "dinas", f"salah{i}").status_code == 401
    assert _login(client, "dinas", password).status_code == 302
    for i in range(4):  # the count started again
        assert _login(hub.app.test_client(), "dinas", f"salah{i}").status_code == 401
    for i in range(5):
        _login(hub.app.test_client(), "penebak", f"salah{i}")
    assert _login(hub.app.test_client(), "camat", other).status_code == 302


def test_the_dummy_hash_for_unknown_names_is_made_once(sqlite_hub, monkeypatch):
    import anjungan_core.passwords as passwords

    made: list[str] = []
    real = passwords.hash_secret
    monkeypatch.setattr(passwords, "hash_secret", lambda pw, method: made.append(method) or real(pw, method))
    passwords.dummy_hash.cache_clear()
    client = sqlite_hub.app.test_client()
    for i in range(3):
        assert _login(client, f"tidakada{i}", "x").status_code == 401
    assert made == ["scrypt:1024:8:1"]


def test_a_session_ends_after_an_idle_hour_and_after_twelve_hours(sqlite_hub):
    clock = Clock(sqlite_hub)
    password = _staff(sqlite_hub)
    client = sqlite_hub.app.test_client()
    assert _login(client, "dinas", password).status_code == 302
    clock.advance(59 * 60)
    assert client.get("/").status_code == 200
    clock.advance(61 * 60)
    expired = client.get("/")
    assert expired.status_code == 302 and "/login" in expired.headers["Location"]
    assert "Sesi Anda berakhir" in client.get("/login").get_data(as_text=True)

    assert _login(client, "dinas", password).status_code == 302
    for _ in range(14):  # busy all day: never idle for an hour, still out after twelve
        clock.advance(55 * 60)
        client.get("/")
    assert client.get("/").status_code == 302


def test_login_goes_back_to_the_page_asked_for_but_never_to_another_site(sqlite_hub):
    password = _staff(sqlite_hub)
    client = sqlite_hub.app.test_client()
    first = client.get("/villages/33.17.09.2016?date=2026-01-05")
    assert first.status_code == 302
    target = first.headers["Location"]
    answer = client.post(target, data={"username": "dinas", "password": password, "csrf_token": _token(client)})
    assert answer.headers["Location"].endswith("/villages/33.17.09.2016?date=2026-01-05")
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        client = sqlite_hub.app.test_client()
        answer = client.post(f"/login?next={evil}", data={"username": "dinas", "password": password,
                                                         "csrf_token": _token(client)})
        assert answer.headers["Location"] == "/"


@pytest.mark.parametrize("path", ["/login", "/logout", "/language", "/announcements", "/announcements/1/delete"])
def test_every_form_refuses_a_post_without_a_csrf_token(sqlite_hub, path):
    password = _staff(sqlite_hub)
    client = sqlite_hub.app.test_client()
    assert _login(client, "dinas", password).status_code == 302
    answer = client.post(path, data={"title": "x", "lang": "en", "username": "dinas", "password": password})
    assert answer.status_code == 400
    assert "kedaluwarsa" in answer.get_data(as_text=True)
    wrong = client.post(path, data={"title": "x", "csrf_token": "palsu"})
    assert wrong.status_code == 400


def test_every_post_form_in_the_templates_carries_the_csrf_token():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        for form in re.findall(r"<form[^>]*>.*?</form>", text, flags=re.S | re.I):
            if re.search(r'method="post"', form, flags=re.I):
                assert 'name="csrf_token"' in form, f"{template.name}: a POST form without csrf_token"


def test_the_api_needs_no_csrf_token(sqlite_hub, events):
    assert sqlite_hub.post_batch("33.17.09.2016", events(1, 2)).status_code == 200


def _parallel_logins(url: str, username: str, count: int, password: str | None = None) -> list[int]:
    """`count` clients, each with its own session and CSRF token, post a login at the same instant (each with a
    different wrong password, or all with `password`)."""
    import threading

    import requests

    sessions = []
    for _ in range(count):
        session = requests.Session()
        page = session.get(f"{url}/login", timeout=10).text
        sessions.append((session, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)))
    barrier, answers = threading.Barrier(count), []

    def attempt(session, token, index):
        barrier.wait()
        answer = session.post(f"{url}/login", allow_redirects=False, timeout=60,
                              data={"username": username, "password": password or f"salah{index}", "csrf_token": token})
        answers.append(answer.status_code)

    threads = [threading.Thread(target=attempt, args=(s, t, i)) for i, (s, t) in enumerate(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_twenty_parallel_wrong_passwords_check_at_most_five_hashes(hub, monkeypatch):
    """GIVEN a real threaded HTTP server in front of the hub WHEN 20 clients guess at once (limit 5) THEN at most
    five passwords are hashed, four answer 401 and the rest 429, and the right password is locked out after."""
    import threading

    from werkzeug.serving import make_server

    import district.registry as registry

    password = _staff(hub)
    checked, real = [], registry.check_secret
    monkeypatch.setattr(registry, "check_secret", lambda h, p: checked.append(1) or real(h, p))
    server = make_server("127.0.0.1", 0, hub.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        answers = _parallel_logins(url, "dinas", 20)
        assert len(checked) <= 5
        assert sorted(answers) == [401] * 4 + [429] * 16
        assert _parallel_logins(url, "dinas", 1, password=password) == [429]  # the right one: still locked
    finally:
        server.shutdown()
        thread.join(10)


def test_parallel_guesses_hold_across_gunicorn_workers(pg_url, tmp_path):
    """The same against `python -m district serve` (2 gunicorn workers x 4 threads) on PostgreSQL, with a hash
    slow enough that the guesses overlap: exactly four answer 401 (checked and wrong), sixteen 429."""
    import subprocess
    import sys
    import time

    from tests.district.conftest import _reset_postgres
    from tests.sync.processes import stop

    _reset_postgres(pg_url)
    log = tmp_path / "district.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "district", "serve", "--data-dir", str(tmp_path / "d"), "--database-url", pg_url,
             "--host", "127.0.0.1", "--port", "0", "--demo", "--workers", "2"],
            cwd=Path(__file__).resolve().parents[2], stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            env={**__import__("os").environ, "DISTRICT_PASSWORD_HASH": "scrypt:16384:8:1"})
    try:
        deadline = time.monotonic() + 60
        while not (found := re.search(r"listening on (http://127\.0\.0\.1:\d+)", log.read_text())):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        demo = __import__("json").loads((tmp_path / "d" / "demo.json").read_text())
        staff = demo["staff"][0]
        answers = _parallel_logins(found.group(1), staff["username"], 20)
        assert sorted(answers) == [401] * 4 + [429] * 16, answers
        assert _parallel_logins(found.group(1), staff["username"], 1, password=staff["password"]) == [429]
    finally:
        stop(proc)


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def _with_cookie(hub, value: str):
    client = hub.app.test_client()
    client.set_cookie("session", value)
    return client


def test_a_cookie_saved_before_logout_no_longer_works(hub):
    """GIVEN a logged-in browser whose cookie an attacker copied WHEN the staff member logs out THEN the copy
    gets the login page, on the overview and on the CSV export alike."""
    password = _staff(hub)
    client = hub.app.test_client()
    assert _login(client, "dinas", password).status_code == 302
    saved = _session_cookie(client)
    assert _with_cookie(hub, saved).get("/").status_code == 200  # the copy works while logged in
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    for path in ("/", "/export.csv", "/announcements"):
        reused = _with_cookie(hub, saved).get(path)
        assert reused.status_code == 302 and "/login" in reused.headers["Location"], path
    assert client.get("/").status_code == 302


def test_a_password_reset_or_a_disabled_account_ends_every_session(hub):
    from district.registry import disable_staff

    password = _staff(hub)
    first, second = hub.app.test_client(), hub.app.test_client()
    assert _login(first, "dinas", password).status_code == 302
    assert _login(second, "dinas", password).status_code == 302
    new_password = _staff(hub)  # reset: both browsers are out
    assert first.get("/").status_code == 302 and second.get("/").status_code == 302
    assert _login(first, "dinas", new_password).status_code == 302
    saved = _session_cookie(first)
    with hub.app.app_context():
        disable_staff("dinas")
    assert _with_cookie(hub, saved).get("/").status_code == 302
    assert _login(hub.app.test_client(), "dinas", new_password).status_code == 401


def test_an_idle_session_ends_on_the_server_whatever_the_cookie_says(sqlite_hub):
    """The idle clock is the server's row: a cookie replayed after an idle hour is refused even though it was
    never used in between (nothing in it is trusted but the token)."""
    clock = Clock(sqlite_hub)
    password = _staff(sqlite_hub)
    client = sqlite_hub.app.test_client()
    assert _login(client, "dinas", password).status_code == 302
    saved = _session_cookie(client)
    clock.advance(30 * 60)
    assert client.get("/").status_code == 200
    clock.advance(61 * 60)
    assert _with_cookie(sqlite_hub, saved).get("/").status_code == 302
    with sqlite_hub.app.app_context():
        from district.staff_sessions import StaffSession

        assert StaffSession.select().count() == 0  # the expired row went


def test_a_staff_disable_command_exists(sqlite_hub, tmp_path, capsys):
    from district.__main__ import main

    cfg = sqlite_hub.app.extensions["district_config"]
    _staff(sqlite_hub)
    assert main(["staff", "disable", "dinas", "--data-dir", cfg.data_dir]) == 0
    assert "disabled" in capsys.readouterr().out
    assert main(["staff", "disable", "nobody", "--data-dir", cfg.data_dir]) == 1
