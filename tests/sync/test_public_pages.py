"""A resident and a recipient institution reach the hub, not the hall: real edge and district processes.

One demo district (gunicorn, 2 workers; SQLite, then PostgreSQL) and one demo edge whose `district_public_url`
is the hub. The kiosk's tickets and letters carry hub URLs; the hub's pages follow what the edge does after a sync;
the hub's database holds no NIK and no name of anyone.
"""
from __future__ import annotations

import re
import sqlite3
import time

import pytest
import requests

from tests.conftest_pg import postgres_url
from tests.sync.processes import District, Edge, stop

pytestmark = pytest.mark.slow
CODE = "33.17.09.2016"


@pytest.fixture(scope="module")
def pg_server_url():
    yield from postgres_url()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def system(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"public-{request.param}")
    env = {"DISTRICT_PUBLIC_STALE_SECONDS": "120"}
    database_url = ""
    if request.param == "postgres":
        database_url = request.getfixturevalue("pg_server_url")
        env["DISTRICT_DATABASE_URL"] = database_url
    district = District(root / "district", env=env)
    edge = Edge(root / "edge", district.url, district.demo["villages"][CODE]["secret"],
                env={"ANJUNGAN_DISTRICT_PUBLIC_URL": district.url + "/"})
    yield district, edge, database_url
    stop(edge.proc)
    stop(district.proc)


def eventually(fetch, check, timeout: float = 30.0):
    """Poll `fetch()` until `check(result)` holds (a sync runs every 0.3 s); fail showing the last result."""
    deadline = time.monotonic() + timeout
    while True:
        result = fetch()
        if check(result):
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"never true; last: {str(result)[:3000]}")
        time.sleep(0.3)


def hub_page(url: str) -> tuple[int, str]:
    answer = requests.get(url, timeout=10)
    return answer.status_code, answer.text


def test_a_tickets_position_on_the_hub_follows_the_calls_on_the_edge(system):
    district, edge, _db = system
    tickets = []
    for _ in range(3):
        answer = edge.kiosk.post(f"{edge.url}/api/v1/tickets", json={"service": "A"}, timeout=10)
        assert answer.status_code == 201, answer.text
        tickets.append(answer.json()["ticket"])
    track_url = tickets[-1]["track_url"]
    assert track_url.startswith(district.url + "/t/"), track_url  # the receipt's QR is the hub's page
    ahead = tickets[-1]["position"]
    status, html = eventually(lambda: hub_page(track_url), lambda r: r[0] == 200 and tickets[-1]["number"] in r[1])
    assert re.search(rf'id="t-ahead">{ahead} orang<', html), html
    assert "diperbarui" in html and "<script" not in html and len(html.encode()) < 30 * 1024
    edge.serve_next("finish")
    eventually(lambda: hub_page(track_url), lambda r: re.search(
        rf'id="t-ahead">({ahead - 1} orang|Anda berikutnya)<', r[1]))
    for _ in range(ahead - 1):
        edge.serve_next("no-show")
    session, csrf = edge._login()
    called = session.post(f"{edge.url}/staff/api/counters/2/call-next", json={}, headers={"X-CSRFToken": csrf},
                          timeout=10).json()["ticket"]
    assert called["id"] == tickets[-1]["id"]
    eventually(lambda: hub_page(track_url), lambda r: "Dipanggil, silakan menuju loket 2" in r[1])


def _staff_status(edge: Edge, letter_id: str, status: int) -> dict:
    session, csrf = edge._login()
    answer = session.post(f"{edge.url}/staff/api/letters/{letter_id}/status", json={"status": status},
                          headers={"X-CSRFToken": csrf}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["letter"]


def test_a_letter_is_followed_verified_and_cancelled_on_the_hub(system):
    district, edge, database_url = system
    resident = next(r for r in edge.demo["residents"] if r.get("pin"))
    identified = edge.kiosk.post(f"{edge.url}/api/v1/identify", json={"nik": resident["nik"],
                                                                       "pin": resident["pin"]}, timeout=10)
    assert identified.status_code == 200, identified.text
    session = {"X-Kiosk-Session": identified.json()["session"]}
    kind = edge.kiosk.get(f"{edge.url}/api/v1/letter-types", timeout=10).json()["letter_types"][0]
    fields = {f["name"]: "Pengajuan kredit usaha" for f in kind["fields"] if f["required"]}
    made = edge.kiosk.post(f"{edge.url}/api/v1/letters", json={"type": kind["code"], "fields": fields},
                           headers=session, timeout=10)
    assert made.status_code == 201, made.text
    letter = made.json()["letter"]
    assert letter["track_url"].startswith(district.url + "/s/")

    _staff_status(edge, letter["id"], 1)
    eventually(lambda: hub_page(letter["track_url"]), lambda r: 'id="s-status">sedang diperiksa<' in r[1])
    numbered = _staff_status(edge, letter["id"], 3)
    assert numbered["verification_url"].startswith(district.url + "/verifikasi/")
    eventually(lambda: hub_page(letter["track_url"]), lambda r: 'id="s-status">siap diambil<' in r[1])
    status, html = eventually(lambda: hub_page(numbered["verification_url"]), lambda r: r[0] == 200)
    assert 'data-valid="true"' in html and numbered["letter_number"] in html and kind["name"] in html
    masked = re.search(r'id="v-name">([^<]+)<', html).group(1)
    assert "*" in masked and resident["name"] not in html and resident["nik"] not in html
    assert len(html.encode()) < 30 * 1024 and "<script" not in html

    _staff_status(edge, letter["id"], 5)
    eventually(lambda: hub_page(numbered["verification_url"]), lambda r: 'data-valid="false"' in r[1]
               and "dibatalkan" in r[1])
    assert hub_page(numbered["verification_url"].rsplit("/", 1)[0] + "/" + "A" * 24)[0] == 404

    text = _hub_database_text(district, database_url)
    assert masked in text  # the projection is really in this database
    names = [r["name"] for r in edge.demo["residents"]]
    assert not [n for n in names if n in text], "a resident's name is stored on the hub"
    assert not [r["nik"] for r in edge.demo["residents"] if r["nik"] in text], "a NIK is stored on the hub"
    assert letter["track_url"].rsplit("/", 1)[1] not in text  # only token digests, never the token


def _hub_database_text(district: District, database_url: str) -> str:
    """Every value of every table of the hub's database, as one text."""
    if database_url:
        import psycopg2

        conn = psycopg2.connect(database_url)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                tables = [row[0] for row in cur.fetchall()]
                parts = []
                for table in tables:
                    cur.execute(f'SELECT * FROM "{table}"')
                    parts.extend(repr(row) for row in cur.fetchall())
        finally:
            conn.close()
        return "\n".join(parts)
    with sqlite3.connect(district.data_dir / "district.sqlite3") as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return "\n".join(repr(row) for table in tables for row in db.execute(f'SELECT * FROM "{table}"'))
