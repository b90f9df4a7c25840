"""cpu_pinning: each worker claims a core of its own (the last ones), a dead worker's core is free again, more
workers than cores pin nothing, and a program started inside `released()` may use every core.

Each case runs in a fresh Python process: pinning is per thread and lasts, and the test runner must stay free."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CPUS = sorted(os.sched_getaffinity(0))


def _run(code: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


CLAIM = """
import json, os, sys, threading
from pathlib import Path
from edge_server.cpu_pinning import pin_worker
workers, claims = int(sys.argv[2]), int(sys.argv[3])
out = []
def claim():
    core = pin_worker(Path(sys.argv[1]), workers)
    out.append([core, sorted(os.sched_getaffinity(0))])
for _ in range(claims):  # one thread each: a thread pins itself only; separate lock opens conflict like processes
    t = threading.Thread(target=claim); t.start(); t.join()
print(json.dumps({"claims": out, "main": sorted(os.sched_getaffinity(0))}))
"""


def test_workers_claim_the_last_cores_one_each_and_a_claim_beyond_them_gets_none(tmp_path):
    workers = min(2, len(CPUS))
    got = _run(CLAIM, str(tmp_path), str(workers), str(workers + 1))
    cores = [core for core, _mask in got["claims"]]
    assert sorted(cores[:workers]) == CPUS[-workers:]
    assert cores[workers] is None
    for core, mask in got["claims"][:workers]:
        assert mask == [core]  # the claiming thread now runs on that core only
    assert got["claims"][workers][1] == CPUS  # the refused one was left as it was
    assert got["main"] == CPUS


def test_more_workers_than_cores_pin_nothing(tmp_path):
    got = _run(CLAIM, str(tmp_path), str(len(CPUS) + 1), "1")
    assert got["claims"] == [[None, CPUS]]
    assert not list(tmp_path.iterdir())  # no lock taken either


def test_the_core_of_a_worker_that_ended_is_claimed_again(tmp_path):
    first = _run(CLAIM, str(tmp_path), "1", "1")["claims"][0][0]
    again = _run(CLAIM, str(tmp_path), "1", "1")["claims"][0][0]
    assert first == again == CPUS[-1]


def test_a_held_core_is_not_given_to_another_process(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, time
        from pathlib import Path
        from edge_server.cpu_pinning import pin_worker
        print(pin_worker(Path(sys.argv[1]), 1), flush=True)
        time.sleep(30)
        """), str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert int(holder.stdout.readline()) == CPUS[-1]
        assert _run(CLAIM, str(tmp_path), "1", "1")["claims"] == [[None, CPUS]]
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("pinned", [True, False])
def test_a_program_started_inside_released_may_use_every_core(tmp_path, pinned):
    got = _run("""
        import json, os, subprocess, sys
        from pathlib import Path
        from edge_server.cpu_pinning import pin_worker, released
        if sys.argv[2] == "1":
            pin_worker(Path(sys.argv[1]), 1)
        mine = sorted(os.sched_getaffinity(0))
        child = "import os, json; print(json.dumps(sorted(os.sched_getaffinity(0))))"
        with released():
            inside = json.loads(subprocess.run([sys.executable, "-c", child], capture_output=True, text=True).stdout)
        outside = json.loads(subprocess.run([sys.executable, "-c", child], capture_output=True, text=True).stdout)
        print(json.dumps({"mine": mine, "inside": inside, "outside": outside,
                          "after": sorted(os.sched_getaffinity(0))}))
        """, str(tmp_path), "1" if pinned else "0")
    assert got["inside"] == CPUS
    assert got["mine"] == got["after"] == got["outside"] == ([CPUS[-1]] if pinned else CPUS)
