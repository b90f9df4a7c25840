"""`serve` with several worker processes (config `workers`): numbers stay gapless across processes, a call made
in one worker reaches a board stream held by another, and the single jobs run in exactly one worker."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.e2e.conftest import EdgeServerProcess
from tests.e2e.staff_session import staff_session


@pytest.fixture
def two_workers(tmp_path):
    server = EdgeServerProcess(tmp_path / "edge", env={"ANJUNGAN_WORKERS": "2"}).start()
    yield server
    server.stop()


def _children(server: EdgeServerProcess) -> list[int]:
    """The server's worker processes now (the parent's children, from /proc)."""
    with open(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children") as fh:
        return [int(pid) for pid in fh.read().split()]


def _workers(server: EdgeServerProcess) -> list[int]:
    deadline = time.monotonic() + 10
    while True:
        pids = _children(server)
        if len(pids) == 2 or time.monotonic() > deadline:
            return pids
        time.sleep(0.1)


def _serving_worker(server: EdgeServerProcess, client_port: int, workers: list[int]) -> int | None:
    """The worker process holding the server side of our TCP connection (from /proc/net/tcp and its fds)."""
    inode = None
    with open("/proc/net/tcp") as fh:
        for line in fh.readlines()[1:]:
            fields = line.split()
            local_port, remote_port = int(fields[1].split(":")[1], 16), int(fields[2].split(":")[1], 16)
            if local_port == server.port and remote_port == client_port:
                inode = fields[9]
    if inode is None:
        return None
    for pid in workers:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


def _connection_on_other_worker(server, workers, avoid: int) -> http.client.HTTPConnection:
    """A keep-alive connection that the worker other than `avoid` answers (probed with /api/v1/health)."""
    for _ in range(50):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/api/v1/health")
        conn.getresponse().read()
        if _serving_worker(server, conn.sock.getsockname()[1], workers) not in (None, avoid):
            return conn
        conn.close()
    raise AssertionError("no connection reached the second worker in 50 tries")


def test_a_call_in_one_worker_reaches_a_board_stream_in_the_other(two_workers):
    """GIVEN two worker processes and a board stream held by one of them WHEN a counter calls through the other
    THEN the stream sends that call within a second."""
    server = two_workers
    workers = _workers(server)
    assert len(workers) == 2
    board = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    board.request("GET", "/display/events")
    stream = board.getresponse()
    assert stream.status == 200 and stream.readline().startswith(b"retry")
    stream_worker = _serving_worker(server, board.sock.getsockname()[1], workers)
    assert stream_worker in workers

    requests.post(f"{server.url}/api/v1/tickets", json={"service": "A"}, headers=server.kiosk_headers,
                  timeout=10).raise_for_status()
    admin = server.staff_user("admin")
    session, csrf = staff_session(server.url, admin["username"], admin["password"])
    cookies = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    conn = _connection_on_other_worker(server, workers, avoid=stream_worker)
    called_by = _serving_worker(server, conn.sock.getsockname()[1], workers)
    sent = time.monotonic()
    conn.request("POST", "/staff/api/counters/1/call-next", body="{}",
                 headers={"Content-Type": "application/json", "Cookie": cookies, "X-CSRFToken": csrf})
    answer = conn.getresponse()
    assert answer.status == 200
    ticket_id = json.loads(answer.read())["ticket"]["id"]
    assert called_by != stream_worker

    while True:
        line = stream.readline()
        assert line, "stream ended before the call arrived"
        if line.startswith(b"data: ") and json.loads(line[6:])["ticket_id"] == ticket_id:
            break
        assert time.monotonic() - sent < 5, "the call did not reach the board stream"
    assert time.monotonic() - sent < 1.0
    board.close()
    conn.close()


def test_two_workers_number_tickets_without_duplicate_or_gap_and_run_the_jobs_once(two_workers):
    """GIVEN two worker processes WHEN 8 kiosks take 240 tickets at once THEN each service's numbers run 1..n
    and exactly one worker says it runs the background jobs."""
    server = two_workers
    numbers: dict[str, list[int]] = defaultdict(list)
    lock = threading.Lock()

    def kiosk(index: int) -> None:
        with requests.Session() as s:
            s.headers.update(server.kiosk_headers)
            for i in range(30):
                r = s.post(f"{server.url}/api/v1/tickets", json={"service": "ABC"[(index + i) % 3]}, timeout=30)
                assert r.status_code == 201, r.text
                prefix, number = r.json()["ticket"]["number"].split("-")
                with lock:
                    numbers[prefix].append(int(number))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(kiosk, range(8)))
    for got in numbers.values():
        assert sorted(got) == list(range(1, len(got) + 1))
    assert sum(len(v) for v in numbers.values()) == 240
    assert sum("runs the background jobs" in line for line in server.log) == 1


def test_a_board_stream_does_not_hold_the_workers_when_the_server_stops(two_workers):
    """GIVEN two workers and board streams open on them WHEN the server gets SIGTERM THEN the streams end and
    every process is gone within 3 s (a stream held its worker until it was killed, 10 s later)."""
    server = two_workers
    workers = _workers(server)
    streams = []
    for _ in range(4):
        board = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        board.request("GET", "/display/events")
        stream = board.getresponse()
        assert stream.readline().startswith(b"retry")
        streams.append(stream)
    started = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    server.proc.wait(10)
    assert time.monotonic() - started < 3
    for pid in workers:
        assert not os.path.exists(f"/proc/{pid}") or "zombie" in open(f"/proc/{pid}/status").read()
    assert not any("Killing worker" in line for line in server.log)


def test_a_worker_that_dies_is_replaced_and_the_jobs_move_to_a_live_one(two_workers):
    """GIVEN two workers WHEN the one running the background jobs is killed THEN a new worker takes its place,
    the other one takes over the jobs, and tickets are still served."""
    server = two_workers
    workers = _workers(server)
    line = next(line for line in server.log if "runs the background jobs" in line)
    jobs_worker = int(line.split("worker ")[1].split()[0])
    assert jobs_worker in workers
    os.kill(jobs_worker, signal.SIGKILL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        now = _children(server)
        taken_over = sum("runs the background jobs" in line for line in server.log) == 2
        if len(now) == 2 and jobs_worker not in now and taken_over:
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"workers {now}, log: {''.join(server.log[-5:])}")
    for _ in range(10):  # new connections, so both workers answer some
        assert requests.post(f"{server.url}/api/v1/tickets", json={"service": "A"}, headers=server.kiosk_headers,
                             timeout=10).status_code == 201


def _thread_cores(pid: int) -> set[str]:
    """The cores each thread of a process may run on, as /proc writes them ("1", "0-1")."""
    cores = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/status") as fh:
                cores.update(line.split()[1] for line in fh if line.startswith("Cpus_allowed_list"))
        except FileNotFoundError:  # a thread that ended since the listing
            continue
    return cores


def test_each_worker_runs_on_a_core_of_its_own_and_its_replacement_takes_the_freed_core(two_workers):
    """GIVEN two workers on a machine with at least two cores THEN every thread of a worker is on one core, the
    two workers' cores differ, and they are the last two; WHEN a worker dies THEN its replacement gets its core."""
    server = two_workers
    workers = _workers(server)
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        pytest.skip("one core: two workers are more than the cores, so neither is pinned")
    by_worker = {pid: _thread_cores(pid) for pid in workers}
    assert all(len(cores) == 1 for cores in by_worker.values()), by_worker
    assert sorted(int(next(iter(c))) for c in by_worker.values()) == cpus[-2:]
    victim = workers[0]
    freed = by_worker[victim]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        now = _children(server)
        new = [pid for pid in now if pid not in workers]
        if len(now) == 2 and new and f"worker {new[0]} runs on core" in "".join(server.log):
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"workers {now}, log: {''.join(server.log[-5:])}")
    assert _thread_cores(new[0]) == freed
    assert _thread_cores(workers[1]) == by_worker[workers[1]]


def test_with_pin_workers_off_the_workers_may_use_every_core(tmp_path):
    server = EdgeServerProcess(tmp_path / "edge", env={"ANJUNGAN_WORKERS": "2",
                                                       "ANJUNGAN_PIN_WORKERS": "false"}).start()
    try:
        everything = _thread_cores(os.getpid())
        assert [_thread_cores(pid) for pid in _workers(server)] == [everything, everything]
        assert not list((tmp_path / "edge").glob("cpu-*.lock"))
    finally:
        server.stop()


def test_a_port_in_use_is_refused_not_shared(tmp_path):
    """SO_REUSEPORT lets the workers share the port; it must not let a second server share a port in use."""
    from edge_server.workers_server import reserve_port

    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        with pytest.raises(OSError):
            reserve_port("127.0.0.1", other.getsockname()[1])
    held = reserve_port("127.0.0.1", 0)
    try:
        assert held.getsockname()[1] > 0
    finally:
        held.close()


def test_schemathesis_over_http_finds_no_server_error_on_the_ticket_route(two_workers):
    """The fuzzer against the real server (granian, two workers, the ticket route below Flask): generated and
    broken ticket requests get documented answers, never a 5xx, and the plain ones get their tickets."""
    import schemathesis

    from tests.openapi_fuzz import fuzz

    server = two_workers
    schema = schemathesis.openapi.from_url(f"{server.url}/api/v1/openapi.json").include(path_regex="^/tickets")

    def prepare(case, n: int) -> None:
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        if n % 5:
            headers.update(server.kiosk_headers)
        if n % 2 and isinstance(case.body, dict) and "service" in case.body:
            case.body["service"] = "A"
        case.headers = headers

    ran, failures, statuses = fuzz(schema, prepare, 30)
    print(f"schemathesis over HTTP: {ran} cases; answers: {dict(sorted(statuses.items()))}")
    assert not failures, "\n\n".join(failures[:10])
    assert ran >= 100 and statuses["POST /tickets 201"] > 0, statuses


def _open_stream(server) -> tuple[socket.socket, int]:
    """A raw board stream connection and the status it got."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(b"GET /display/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    status = int(sock.recv(4096).split(b" ", 2)[1])
    return sock, status


def test_board_streams_whose_tvs_vanished_free_their_slots_within_seconds(tmp_path):
    """GIVEN two workers with room for 2 board streams each, all 4 taken WHEN the 4 TVs vanish (their
    connections drop without a word) THEN a new stream is accepted within 8 s: granian cannot tell the app a
    client left, so heartbeats every 2 s find out (at 15 s a slot stayed taken for up to 30 s)."""
    server = EdgeServerProcess(tmp_path / "edge", env={"ANJUNGAN_WORKERS": "2", "ANJUNGAN_THREADS": "6"}).start()
    try:
        held, refused = [], 0
        for _ in range(60):
            sock, status = _open_stream(server)
            if status == 200:
                held.append(sock)
            else:
                sock.close()
                refused += 1
                if len(held) == 4:
                    break
        assert len(held) == 4 and refused, "both workers' stream slots should be full"
        for sock in held:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            sock.close()  # a reset, as a TV that lost its power
        gone = time.monotonic()
        while True:
            sock, status = _open_stream(server)
            sock.close()
            if status == 200:
                break
            assert time.monotonic() - gone < 8, "no stream slot came free"
            time.sleep(0.3)
    finally:
        server.stop()
