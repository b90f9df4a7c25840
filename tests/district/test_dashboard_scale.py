"""A regency's overview: the number of queries does not grow with the villages (no N+1), grouped by kecamatan."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest


def _seed(count: int, day: date, kecamatans: int = 1) -> None:
    """`count` extra villages over `kecamatans` kecamatan codes, each with a few events and a device alert."""
    from district.models import DeviceState, Event, Village

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    villages, events, devices = [], [], []
    for i in range(count):
        code = f"33.17.{20 + i % kecamatans:02d}.{2001 + i}"
        villages.append({"code": code, "name": f"Desa {i}", "secret": "s", "active": True, "created_at": now,
                         "acked_through": 3, "last_seen": now})
        for seq, kind in enumerate(("ticket.issued", "ticket.issued", "ticket.finished"), start=1):
            events.append({"village": code, "event_id": f"{code}-{seq}", "seq": seq, "type": kind,
                           "occurred_at": now, "business_date": day, "data": "{}", "received_at": now})
        devices.append({"village": code, "device_id": 1, "device": "Kiosk", "kind": "kiosk", "online": i % 2 == 0,
                        "paper": "ok", "seq": 3, "occurred_at": now})
    Village.insert_many(villages).execute()
    Event.insert_many(events).execute()
    DeviceState.insert_many(devices).execute()


class QueryCounter:
    def __init__(self, monkeypatch):
        from district.db import database

        self.count = 0
        real = database.obj.execute_sql

        def counted(sql, params=None, *args, **kwargs):
            self.count += 1
            return real(sql, params, *args, **kwargs)

        monkeypatch.setattr(database.obj, "execute_sql", counted)


@pytest.fixture
def staff_client(sqlite_hub):
    from district.registry import add_staff

    with sqlite_hub.app.app_context():
        password = add_staff("dinas", datetime.now(timezone.utc).replace(tzinfo=None), "scrypt:1024:8:1")
    client = sqlite_hub.app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"username": "dinas", "password": password, "csrf_token": token}
                       ).status_code == 302
    return client


def _queries_for(client, monkeypatch, url: str) -> int:
    counter = QueryCounter(monkeypatch)
    assert client.get(url).status_code == 200
    monkeypatch.undo()
    return counter.count


def test_overview_queries_do_not_grow_with_villages(sqlite_hub, staff_client, monkeypatch):
    """GIVEN 3 villages, then 300 more WHEN the overview and its CSV are rendered THEN both use the same number
    of queries as with 3."""
    day = date.today()
    few = _queries_for(staff_client, monkeypatch, f"/?date={day}")
    few_csv = _queries_for(staff_client, monkeypatch, f"/export.csv?date={day}")
    with sqlite_hub.app.app_context():
        _seed(300, day, kecamatans=14)
    many = _queries_for(staff_client, monkeypatch, f"/?date={day}")
    many_csv = _queries_for(staff_client, monkeypatch, f"/export.csv?date={day}")
    assert many == few and many_csv == few_csv
    assert many <= 6
    page = staff_client.get(f"/?date={day}").get_data(as_text=True)
    assert page.count('data-village="') == 303 and page.count('data-kecamatan="') == 15


def test_overview_filters_by_kecamatan_and_to_problem_villages(sqlite_hub, staff_client):
    day = date.today()
    with sqlite_hub.app.app_context():
        _seed(10, day, kecamatans=2)
    page = staff_client.get(f"/?date={day}&kecamatan=33.17.20").get_data(as_text=True)
    assert set(re.findall(r'data-village="([^"]+)"', page)) == {f"33.17.20.{2001 + i}" for i in range(0, 10, 2)}
    assert "5 desa" in page and "10 tiket, 5 dilayani" in page
    problems = staff_client.get(f"/?date={day}&only=problems").get_data(as_text=True)
    shown = set(re.findall(r'data-village="([^"]+)"', problems))
    # the odd ones have an offline kiosk; the three fixture villages have never synced
    assert shown == {f"33.17.{20 + i % 2}.{2001 + i}" for i in range(1, 10, 2)} | {
        "33.17.09.2016", "33.17.09.2001", "33.17.09.2002"}
    assert "3 dari 13 desa tidak mengirim data lebih dari 1 jam." in page
    assert "5 desa punya peringatan perangkat." in page


def test_the_overview_links_each_village_to_its_page_for_the_same_day(sqlite_hub, staff_client):
    day = (date.today() - timedelta(days=3)).isoformat()
    page = staff_client.get(f"/?date={day}").get_data(as_text=True)
    assert f'href="/villages/33.17.09.2016?date={day}"' in page
