"""The scratch PostgreSQL databases of tests and benches are dropped however their generator ends."""
from __future__ import annotations

from urllib.parse import urlparse

import psycopg2
import pytest

from tests.conftest_pg import _admin_connect, _database_on_server


def _exists(server_url: str, name: str) -> bool:
    conn = _admin_connect(server_url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return cur.fetchone() is not None
    finally:
        conn.close()


def _open_and_use(url: str):
    """A connection left open on the scratch database, as a hub still running would leave it."""
    conn = psycopg2.connect(url)
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE t (x int)")
    conn.commit()
    return conn


@pytest.mark.parametrize("ending", ["closed early", "run to its end"])
def test_the_database_is_dropped(pg_url, ending):
    scratch = _database_on_server(pg_url)
    url = next(scratch)
    name = urlparse(url).path.lstrip("/")
    assert _exists(pg_url, name)
    held = _open_and_use(url)
    try:
        if ending == "closed early":  # what bench_sync and bench_public_pages do
            scratch.close()
        else:  # what pytest does with a fixture
            with pytest.raises(StopIteration):
                next(scratch)
        assert not _exists(pg_url, name)
    finally:
        held.close()
