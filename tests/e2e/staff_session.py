"""A staff browser session over plain HTTP (requests), for whole-system tests that need no page rendering."""
from __future__ import annotations

import re

import requests


def staff_session(base_url: str, username: str, password: str) -> tuple[requests.Session, str]:
    """Log in through the real form; returns the session and the CSRF token for X-CSRFToken."""
    s = requests.Session()
    page = s.get(f"{base_url}/staff/login", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = s.post(f"{base_url}/staff/login", data={"username": username, "password": password, "csrf_token": token},
               timeout=10, allow_redirects=False)
    assert r.status_code == 302, r.text[:300]
    home = s.get(f"{base_url}/staff/", timeout=10)
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', home.text).group(1)
    s.headers["X-CSRFToken"] = csrf
    return s, csrf


def console_page(server, browser, role: str = "operator"):
    """A Chromium page logged in to the console as the demo's ``role`` user, on the console home."""
    user = server.staff_user(role)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{server.url}/staff/login")
    page.fill("input[name=username]", user["username"])
    page.fill("input[name=password]", user["password"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/staff/")
    return page
