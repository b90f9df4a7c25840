"""Backups to the district, then a restore from the district's encrypted copy, on real processes (slow).

A demo edge syncs to a real district (gunicorn; SQLite, then PostgreSQL). A backup made while it serves reaches
the hub encrypted and is listed there with its age; more tickets follow; the edge dies and is restored from the
copy downloaded from the hub; it takes new tickets and sync resumes (seq_conflict, renumbering) until the
district counts every ticket: those before the backup, those lost with the old disk, and the new ones.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import requests

from tests.conftest_pg import postgres_url
from tests.sync.processes import ROOT, District, Edge, stop

pytestmark = pytest.mark.slow
CODE = "33.17.09.2016"


@pytest.fixture(scope="module")
def pg_server_url():
    yield from postgres_url()


@pytest.fixture(params=["sqlite", "postgres"])
def system(request, tmp_path):
    env = {}
    if request.param == "postgres":
        env["DISTRICT_DATABASE_URL"] = request.getfixturevalue("pg_server_url")
    district = District(tmp_path / "district", env=env)
    edge = Edge(tmp_path / "edge", district.url, district.demo["villages"][CODE]["secret"])
    yield district, edge
    stop(edge.proc)
    stop(district.proc)
    for log in ("edge.log", "district.log"):
        assert district.demo["villages"][CODE]["secret"] not in (tmp_path / log).read_text(errors="replace")


def _admin(district: District) -> dict:
    return {"Authorization": f"Bearer {district.demo['admin_token']}"}


def _wait(predicate, what: str, timeout: float = 40.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


def _synced(district: District, edge: Edge) -> dict:
    def check():
        mine = edge.counts()
        theirs = {k: district.summary(CODE, edge.business_date())[k] for k in mine}
        return theirs if theirs == mine and edge.pending() == 0 else None

    return _wait(check, "the district to match the edge")


def _cli(edge: Edge, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANJUNGAN_DISTRICT_URL": edge.district_url, "ANJUNGAN_DISTRICT_SECRET": edge.secret}
    return subprocess.run([sys.executable, "-m", "edge_server", *args, "--data-dir", str(edge.data_dir)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def test_restore_from_the_districts_encrypted_copy_then_sync_counts_everything(system, tmp_path):
    district, edge = system
    edge.take_tickets(4)
    edge.serve_next()
    before_backup = _synced(district, edge)

    made = _cli(edge, "backup")
    assert made.returncode == 0, made.stderr
    listing = _wait(lambda: requests.get(f"{district.url}/api/v1/villages/{CODE}/backups", headers=_admin(district),
                                         timeout=10).json()["backups"], "the backup to reach the district")
    assert len(listing) == 1 and listing[0]["name"].endswith(".sqlite3.gz.enc") and listing[0]["age_seconds"] < 60
    time.sleep(1.0)  # more sync cycles: the same backup is not sent again
    assert len(requests.get(f"{district.url}/api/v1/villages/{CODE}/backups", headers=_admin(district),
                            timeout=10).json()["backups"]) == 1

    edge.take_tickets(3)
    edge.serve_next()
    before_loss = _synced(district, edge)
    assert before_loss["tickets_issued"] == before_backup["tickets_issued"] + 3

    stop(edge.proc)  # the SD card dies; a technician brings the hub's copy
    copy = tmp_path / listing[0]["name"]
    copy.write_bytes(requests.get(f"{district.url}/api/v1/villages/{CODE}/backups/{listing[0]['name']}",
                                  headers=_admin(district), timeout=30).content)
    assert not copy.read_bytes().startswith(b"\x1f\x8b")  # encrypted, not a plain gzip
    restored = _cli(edge, "restore", str(copy), "--yes")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert edge.counts()["tickets_issued"] == before_backup["tickets_issued"]

    edge.start()
    edge.take_tickets(2)

    def district_counts_everything():
        summary = district.summary(CODE, edge.business_date())
        return summary if edge.pending() == 0 and summary["tickets_issued"] == before_loss["tickets_issued"] + 2 \
            else None

    summary = _wait(district_counts_everything, "sync to resume after the restore")
    assert summary["tickets_served"] == before_loss["tickets_served"]
    assert summary["last_seq"] == edge.counts()["last_seq"]
