"""`python -m district`: the village registry commands, and `serve` on PostgreSQL with gunicorn workers."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import requests

from district.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


def test_add_rotate_revoke(tmp_path, capsys):
    data = str(tmp_path)
    assert main(["villages", "add", "--code", "3317092016", "--name", "Mojowarno", "--data-dir", data]) == 0
    first = re.search(r"secret .*: (\S+)", capsys.readouterr().out).group(1)
    assert main(["villages", "add", "--code", "33.17.09.2016", "--name", "Again", "--data-dir", data]) == 1
    assert "already registered" in capsys.readouterr().err
    assert main(["villages", "rotate", "--code", "33.17.09.2016", "--data-dir", data]) == 0
    second = re.search(r"new secret .*: (\S+)", capsys.readouterr().out).group(1)
    assert second != first and len(second) >= 40
    assert main(["villages", "revoke", "--code", "3317092016", "--data-dir", data]) == 0
    main(["villages", "list", "--data-dir", data])
    assert "revoked" in capsys.readouterr().out
    assert main(["villages", "add", "--code", "12345", "--name", "X", "--data-dir", data]) == 1


def test_revoked_and_rotated_secrets_stop_working(sqlite_hub, events):
    from datetime import datetime, timezone

    from district.registry import revoke_village, rotate_secret

    code = "33.17.09.2016"
    old = sqlite_hub.secrets[code]
    with sqlite_hub.app.app_context():
        new = rotate_secret(code, datetime.now(timezone.utc).replace(tzinfo=None))
    assert sqlite_hub.post_batch(code, events(1, 1), secret=old).status_code == 401
    assert sqlite_hub.post_batch(code, events(1, 1), secret=new).status_code == 200
    with sqlite_hub.app.app_context():
        revoke_village(code)
    assert sqlite_hub.post_batch(code, events(2, 2), secret=new).status_code == 403


def test_serve_on_postgresql_with_port_zero(tmp_path, pg_url):
    """GIVEN a PostgreSQL URL WHEN `serve --port 0 --demo` starts THEN it reports its port and takes batches."""
    import gzip

    from tests.district.conftest import _reset_postgres
    from tests.district.helpers import make_event, sign

    _reset_postgres(pg_url)
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "district", "serve", "--data-dir", str(tmp_path / "d"),
                                 "--database-url", pg_url, "--host", "127.0.0.1", "--port", "0", "--demo",
                                 "--workers", "3"], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env={**__import__("os").environ, "DISTRICT_PASSWORD_HASH": "scrypt:1024:8:1"})
    try:
        deadline = time.monotonic() + 30
        while not (found := re.search(r"listening on (http://127\.0\.0\.1:\d+)", log.read_text())):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        url = found.group(1)
        demo = json.loads((tmp_path / "d" / "demo.json").read_text())
        assert demo["district_url"] == url and len(demo["villages"]) == 23
        assert demo["villages"]["33.17.09.2016"]["name"] == "Mojowarno" and demo["staff"][0]["password"]
        body = gzip.compress(json.dumps({"village": "33.17.09.2016", "events": [make_event(1)]}).encode())
        ts = int(time.time())
        answer = requests.post(f"{url}/api/v1/sync/batches", data=body, timeout=10, headers={
            "X-Anjungan-Village": "3317092016", "X-Anjungan-Timestamp": str(ts), "Content-Encoding": "gzip",
            "X-Anjungan-Signature": sign(demo["villages"]["33.17.09.2016"]["secret"], ts, body)})
        assert answer.json() == {"acked_through": 1, "stored": 1, "duplicates": 0}
        assert requests.get(f"{url}/", timeout=10, allow_redirects=False).status_code == 302
        deadline = time.monotonic() + 15  # gunicorn may still be forking the last worker after `listening on`
        while len(workers := subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                            text=True).stdout.split()) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(workers) == 3
    finally:
        proc.terminate()
        proc.wait(20)


def test_an_unreachable_database_is_a_clear_error(tmp_path, capsys):
    code = main(["villages", "list", "--data-dir", str(tmp_path),
                 "--database-url", "postgresql://hub:topsecret@127.0.0.1:1/hub"])
    err = capsys.readouterr().err
    assert code == 3 and "cannot use the database" in err and "topsecret" not in err
