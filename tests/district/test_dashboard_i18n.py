"""The dashboard speaks Indonesian first and English completely: every extracted string has an English entry,
and every page renders in English when chosen."""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.district.helpers import make_event

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "district/translations/en/LC_MESSAGES/messages.po"


def test_every_dashboard_string_has_an_english_translation(tmp_path):
    from babel.messages.pofile import read_po

    pot = tmp_path / "district.pot"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "district/babel.cfg",
                    "-k", "lazy_gettext", "-k", "_l", "-o", str(pot), "district"],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as fh:
        template = read_po(fh)
    with PO.open("rb") as fh:
        english = read_po(fh)
    missing = [m.id for m in template if m.id and (m.id not in english or not english[m.id].string
                                                   or english[m.id].fuzzy)]
    assert not missing, f"untranslated in {PO.relative_to(ROOT)}: {missing}"
    for message in english:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(re.findall(r"%\(\w+\)[sd]", ids[0]))
        for text in strings:
            assert set(re.findall(r"%\(\w+\)[sd]", text)) == wanted, message.id


@pytest.fixture
def english_staff(sqlite_hub):
    """A client that chose English before logging in (the choice survives the login)."""
    from district.registry import add_staff

    with sqlite_hub.app.app_context():
        password = add_staff("dinas", datetime.now(timezone.utc).replace(tzinfo=None), "scrypt:1024:8:1")
    client = sqlite_hub.app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/language", data={"lang": "en", "csrf_token": token}, headers={"Referer": "http://x/login"})
    page = client.get("/login").get_data(as_text=True)
    assert "Log in" in page or "Sign in" in page, page
    assert client.post("/login", data={"username": "dinas", "password": password, "csrf_token": token}
                       ).status_code == 302
    return client


INDONESIAN_WORDS = ("Semua desa", "Tiket diambil", "Dilayani", "Terakhir terlihat", "Pengumuman yang berlaku",
                    "Unduh CSV", "Tampilkan", "Keluar", "Kecamatan", "Perangkat", "30 hari terakhir", "menit")


@pytest.mark.parametrize("path", ["/", "/?only=problems", "/villages/33.17.09.2016", "/announcements"])
def test_every_page_renders_in_english_when_chosen(sqlite_hub, english_staff, path):
    device = {"device_id": 1, "device": "Kiosk", "kind": "kiosk", "online": True,
              "printer": {"online": True, "paper": "out"}, "scanner": {"connected": True}}
    sqlite_hub.post_batch("33.17.09.2016", [make_event(1), make_event(2, "ticket.called", wait_seconds=120),
                                            make_event(3, "device.status", **device)])
    page = english_staff.get(path).get_data(as_text=True)
    assert 'lang="en"' in page
    visible = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|svg)\b.*?</\1>", " ", page, flags=re.S))
    leftovers = [w for w in INDONESIAN_WORDS if w in visible]
    assert not leftovers, f"{path}: Indonesian left in the English page: {leftovers}"


def test_overview_words_in_english(sqlite_hub, english_staff):
    device = {"device_id": 1, "device": "Kiosk", "kind": "kiosk", "online": True,
              "printer": {"online": True, "paper": "out"}, "scanner": {"connected": True}}
    sqlite_hub.post_batch("33.17.09.2016", [make_event(1, "device.status", **device)])
    page = english_staff.get("/").get_data(as_text=True)
    assert "All villages" in page and "Sub-district 33.17.09" in page and "3 villages" in page
    assert "printer out of paper" in page.lower() or "paper" in page.lower()
    assert "villages have device alerts" in page or "village has device alerts" in page


def test_the_lockout_message_is_english_too(sqlite_hub):
    client = sqlite_hub.app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/language", data={"lang": "en", "csrf_token": token})
    for i in range(5):
        answer = client.post("/login", data={"username": "x", "password": f"y{i}", "csrf_token": token})
    assert answer.status_code == 429 and "Too many failed attempts. Try again in 5 minutes." in answer.get_data(
        as_text=True)
