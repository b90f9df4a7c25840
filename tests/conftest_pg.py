"""A PostgreSQL database for tests, never skipped.

With DATABASE_URL set (CI: postgresql://postgres@127.0.0.1:5432/test), a fresh, uniquely named database is created
on that server for the session and dropped at the end. Without it, a throwaway cluster is made with initdb (as the
`postgres` user when we are root, since initdb refuses root), started with pg_ctl on a free port with its socket in
the temporary directory, and removed at the end. When neither works the fixture fails with the reason.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

PG_BIN_DIRS = ["/usr/local/bin", "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin",
               "/usr/lib/postgresql/17/bin"]


def _tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for folder in PG_BIN_DIRS:
        if os.access(os.path.join(folder, name), os.X_OK):
            return os.path.join(folder, name)
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin_connect(url: str):
    import psycopg2

    parsed = urlparse(url)
    conn = psycopg2.connect(dbname=parsed.path.lstrip("/") or "postgres", user=parsed.username or None,
                            password=parsed.password or None, host=parsed.hostname or None, port=parsed.port)
    conn.autocommit = True
    return conn


def _database_on_server(server_url: str) -> Iterator[str]:
    """A new database on `server_url`, dropped when the generator ends: run to its end (pytest) or closed early
    (the benches' ``close()``, which raises GeneratorExit at the yield: the drop is in a finally for that)."""
    name = f"anjungan_test_{uuid.uuid4().hex[:12]}"
    conn = _admin_connect(server_url)
    try:
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunparse(urlparse(server_url)._replace(path="/" + name))
        finally:
            with conn.cursor() as cur:
                cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
                cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        conn.close()


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        runuser = _tool("runuser") or "/usr/sbin/runuser"
        return [runuser, "-u", "postgres", "--", *cmd]
    return cmd


def _throwaway_cluster() -> Iterator[str]:
    initdb, pg_ctl = _tool("initdb"), _tool("pg_ctl")
    if not initdb or not pg_ctl:
        raise RuntimeError("PostgreSQL tests need DATABASE_URL or the initdb and pg_ctl programs "
                           "(apt-get install postgresql); neither is available")
    root = Path(tempfile.mkdtemp(prefix="anjungan-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    try:
        subprocess.run(_as_postgres([initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                                     "--no-sync"]), check=True, capture_output=True, env=env, timeout=120)
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        subprocess.run(_as_postgres([pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w",
                                     "-t", "60", "start"]), check=True, capture_output=True, env=env, timeout=90)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        detail = getattr(exc, "stderr", b"") or b""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"could not start a throwaway PostgreSQL cluster: {exc}\n"
                           f"{detail.decode(errors='replace')}\n{log}") from exc
    try:
        server = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        deadline = time.monotonic() + 30
        while True:
            try:
                _admin_connect(server).close()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield from _database_on_server(server)
    finally:
        subprocess.run(_as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True, env=env, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def postgres_url() -> Iterator[str]:
    """Yield the URL of an empty database for this session; clean up after."""
    server_url = os.environ.get("DATABASE_URL", "").strip()
    if server_url:
        try:
            yield from _database_on_server(server_url)
        except Exception as exc:
            if "could not connect" in str(exc) or "Connection refused" in str(exc):
                raise RuntimeError(f"DATABASE_URL is set but its server cannot be reached: {exc}") from exc
            raise
        return
    yield from _throwaway_cluster()
