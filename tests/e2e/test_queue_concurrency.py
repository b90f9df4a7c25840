"""Concurrency against a real server process: numbers never repeat or skip, no ticket is called twice."""
from __future__ import annotations

import threading
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.e2e.staff_session import staff_session

SERVICES = "ABC"


def test_eight_clients_take_800_tickets_without_duplicate_or_gap(edge_server_process):
    """GIVEN 8 kiosk threads WHEN each takes 100 tickets across services THEN every service's numbers
    run 1..n with no duplicate and no gap."""
    server = edge_server_process
    url = f"{server.url}/api/v1/tickets"
    numbers: dict[str, list[int]] = defaultdict(list)
    ids: list[str] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        with requests.Session() as s:
            s.headers.update(server.kiosk_headers)
            for i in range(100):
                service = SERVICES[(index + i) % len(SERVICES)]
                r = s.post(url, json={"service": service}, timeout=30)
                assert r.status_code == 201, r.text
                ticket = r.json()["ticket"]
                prefix, number = ticket["number"].split("-")
                with lock:
                    numbers[prefix].append(int(number))
                    ids.append(ticket["id"])

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(worker, range(8)))
    assert len(ids) == len(set(ids)) == 800
    for prefix, got in numbers.items():
        assert sorted(got) == list(range(1, len(got) + 1)), prefix
    assert sum(len(v) for v in numbers.values()) == 800


def test_two_staff_calling_at_once_never_get_the_same_ticket(edge_server_process):
    """GIVEN 100 waiting tickets WHEN two staff sessions call next at the same moment 50 times each THEN
    100 distinct tickets are called."""
    server = edge_server_process
    with requests.Session() as kiosk:
        kiosk.headers.update(server.kiosk_headers)
        for _ in range(100):
            assert kiosk.post(f"{server.url}/api/v1/tickets", json={"service": "A"}, timeout=10).status_code == 201
    admin = server.staff_user("admin")
    operator = server.staff_user("operator")
    sessions = [staff_session(server.url, admin["username"], admin["password"])[0],
                staff_session(server.url, operator["username"], operator["password"])[0]]
    barrier = threading.Barrier(2)
    called: list[str] = []
    lock = threading.Lock()

    def counter_worker(index: int) -> None:
        s = sessions[index]
        for _ in range(50):
            barrier.wait(timeout=30)
            r = s.post(f"{server.url}/staff/api/counters/{index + 1}/call-next", json={}, timeout=30)
            assert r.status_code == 200, r.text
            ticket = r.json()["ticket"]
            assert ticket is not None
            with lock:
                called.append(ticket["id"])

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(counter_worker, range(2)))
    duplicates = [t for t, n in Counter(called).items() if n > 1]
    assert duplicates == [] and len(called) == 100
    for s in sessions:
        state = s.get(f"{server.url}/staff/api/counters/1/state", timeout=10).json()
        assert state["waiting_total"] == 0
