"""Encrypted edge backups on the hub: signed upload streamed to disk, stored once, newest N kept, listed with
their age (admin token), downloadable, and villages without a recent one flagged on the overview."""
from __future__ import annotations

import io
import re
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from tests.district.helpers import sign, sign_backup

CODE = "33.17.09.2016"


def upload(hub, body: bytes, name: str, *, code: str = CODE, secret: str | None = None, timestamp: int | None = None,
           version: str = "0.3.0"):
    ts = int(time.time()) if timestamp is None else timestamp
    headers = {"X-Anjungan-Village": code, "X-Anjungan-Timestamp": str(ts), "X-Anjungan-Backup-Name": name,
               **sign_backup(secret or hub.secrets[code], ts, name, body),
               "X-Anjungan-Edge-Version": version, "Content-Type": "application/octet-stream"}
    return hub.client.post("/api/v1/backups", data=body, headers=headers)


def listing(hub, code: str = CODE):
    return hub.client.get(f"/api/v1/villages/{code}/backups", headers={"Authorization": f"Bearer {hub.admin_token}"})


def _files(hub, code: str = CODE) -> list[str]:
    folder = hub.app.extensions["district_config"].data_dir
    from district.backups import folder as backup_folder

    path = backup_folder(folder, code)
    return sorted(p.name for p in path.iterdir() if not p.name.startswith(".")) if path.exists() else []


def test_a_backup_is_stored_once_and_listed_with_its_age(hub):
    body = b"ANJBAK1\n" + bytes(range(256)) * 4000  # ~1 MB of opaque bytes: the hub never reads them
    first = upload(hub, body, "edge-20261101-020000.sqlite3.gz.enc")
    assert first.status_code == 201 and first.get_json()["stored"] is True
    again = upload(hub, body, "edge-20261101-020000.sqlite3.gz.enc")
    assert again.status_code == 200 and again.get_json()["stored"] is False
    assert _files(hub) == ["edge-20261101-020000.sqlite3.gz.enc"]
    answer = listing(hub).get_json()
    assert len(answer["backups"]) == 1 and answer["stale"] is False
    latest = answer["latest"]
    assert latest["name"] == "edge-20261101-020000.sqlite3.gz.enc" and latest["size"] == len(body)
    assert 0 <= latest["age_seconds"] < 60
    download = hub.client.get(f"/api/v1/villages/{CODE}/backups/{latest['name']}",
                              headers={"Authorization": f"Bearer {hub.admin_token}"})
    assert download.status_code == 200 and download.data == body
    with hub.app.app_context():
        from district.models import Village

        assert Village.get(Village.code == CODE).edge_version == "0.3.0"


def test_refused_uploads_store_nothing(hub):
    body = b"x" * 1000
    assert upload(hub, body, "a.enc", secret="wrong").status_code == 401
    assert upload(hub, body, "a.enc", timestamp=int(time.time()) - 3600).get_json()["error"]["code"] == "clock_skew"
    assert upload(hub, body, "../etc/passwd").status_code == 400
    assert upload(hub, body, "a.enc", code="33.17.09.9999", secret="x").status_code == 403
    hub.app.extensions["district_config"] = replace(hub.app.extensions["district_config"], max_backup_bytes=500)
    assert upload(hub, body, "big.enc").status_code == 413
    assert _files(hub) == [] and listing(hub).get_json()["backups"] == []
    assert listing(hub).get_json()["stale"] is True
    assert hub.client.get(f"/api/v1/villages/{CODE}/backups").status_code == 401


class Untouchable(io.BytesIO):
    """A request body that fails the test if anybody reads it."""

    def read(self, *_args):
        raise AssertionError("the body was read")

    readinto = readline = read


def test_unsigned_stale_or_oversized_uploads_are_refused_before_the_body_is_read(hub):
    """A wrong or missing signature, a stale timestamp or a declared size over the limit is answered from the
    headers alone: the body stream is never read (nothing is spooled to disk for an unauthenticated sender)."""
    hub.app.extensions["district_config"] = replace(hub.app.extensions["district_config"], max_backup_bytes=500)
    base = {"X-Anjungan-Village": CODE, "X-Anjungan-Backup-Name": "a.enc", "Content-Type": "application/octet-stream"}
    now = int(time.time())

    def post(headers, size=10):
        return hub.client.post("/api/v1/backups", input_stream=Untouchable(b"x" * size), headers={**base, **headers})

    unsigned = post({"X-Anjungan-Timestamp": str(now), "X-Anjungan-Signature": "0" * 64,
                     "X-Anjungan-Content-SHA256": "1" * 64})
    assert unsigned.status_code == 401 and unsigned.get_json()["error"]["code"] == "bad_signature"
    old_style = post({"X-Anjungan-Timestamp": str(now), "X-Anjungan-Signature": sign(hub.secrets[CODE], now, b"x")})
    assert old_style.status_code == 401
    stale = post({"X-Anjungan-Timestamp": str(now - 3600), **sign_backup(hub.secrets[CODE], now - 3600, "a.enc",
                                                                         b"x")})
    assert stale.status_code == 401 and stale.get_json()["error"]["code"] == "clock_skew"
    huge = post({"X-Anjungan-Timestamp": str(now), **sign_backup(hub.secrets[CODE], now, "a.enc", b"x" * 501)},
                size=501)
    assert huge.status_code == 413
    assert _files(hub) == []


def test_a_body_other_than_the_signed_one_is_refused(hub):
    now = int(time.time())
    headers = {"X-Anjungan-Village": CODE, "X-Anjungan-Backup-Name": "a.enc", "X-Anjungan-Timestamp": str(now),
               **sign_backup(hub.secrets[CODE], now, "a.enc", b"the real backup")}
    answer = hub.client.post("/api/v1/backups", data=b"something else", headers=headers)
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "digest_mismatch"
    renamed = hub.client.post("/api/v1/backups", data=b"the real backup",
                              headers={**headers, "X-Anjungan-Backup-Name": "b.enc"})
    assert renamed.status_code == 401
    assert _files(hub) == []


def test_a_big_unsigned_upload_to_a_real_server_is_refused_before_it_is_sent(tmp_path):
    """Against gunicorn: 60 MiB announced, signed with a made-up secret; the hub answers 401 from the headers and
    no incoming file ever appears in its data folder."""
    import socket

    from tests.sync.processes import District, stop

    district = District(tmp_path / "district")
    try:
        host, port = district.url[len("http://"):].split(":")
        now = int(time.time())
        headers = {"X-Anjungan-Village": CODE, "X-Anjungan-Backup-Name": "big.enc",
                   "X-Anjungan-Timestamp": str(now), **sign_backup("not-the-secret", now, "big.enc", b"")}
        head = "POST /api/v1/backups HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n" % (60 * 1024 * 1024)
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(head.encode() + b"x" * 65536)  # a first piece; the answer comes before the rest
            answer = b""
            while b"}}" not in answer and (chunk := sock.recv(4096)):
                answer += chunk
            answer = answer.decode(errors="replace")
        assert answer.startswith("HTTP/1.1 401"), answer[:200]
        assert '"bad_signature"' in answer
        spooled = list((tmp_path / "district").rglob(".incoming-*"))
        assert spooled == []
    finally:
        stop(district.proc)


def test_only_the_newest_backups_are_kept_per_village(hub):
    hub.app.extensions["district_config"] = replace(hub.app.extensions["district_config"], backups_keep=3)
    for day in range(1, 6):
        assert upload(hub, f"backup {day}".encode(), f"edge-2026110{day}.enc").status_code == 201
    names = [b["name"] for b in listing(hub).get_json()["backups"]]
    assert names == ["edge-20261105.enc", "edge-20261104.enc", "edge-20261103.enc"]
    assert _files(hub) == sorted(names)
    assert upload(hub, b"other village", "edge-20261101.enc", code="33.17.09.2001").status_code == 201


def _age_backups(hub, days: float) -> None:
    """Time travel: the stored backups arrived `days` ago."""
    with hub.app.app_context():
        from district.backups import VillageBackup

        when = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=days)
        VillageBackup.update(received_at=when).execute()


def test_a_backup_older_than_two_days_is_stale(hub):
    upload(hub, b"old", "edge-20261101.enc")
    _age_backups(hub, 2.5)
    answer = listing(hub).get_json()
    assert answer["stale"] is True and answer["latest"]["age_seconds"] > 2 * 86400
    upload(hub, b"new", "edge-20261104.enc")
    assert listing(hub).get_json()["stale"] is False


@pytest.fixture
def staff(sqlite_hub):
    from district.registry import add_staff

    with sqlite_hub.app.app_context():
        password = add_staff("dinas", datetime.now(timezone.utc).replace(tzinfo=None), "scrypt:1024:8:1")
    client = sqlite_hub.app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"username": "dinas", "password": password, "csrf_token": token}).status_code \
        == 302
    return client


def test_the_overview_shows_each_village_backup_age_and_version_and_flags_stale_ones(sqlite_hub, staff):
    upload(sqlite_hub, b"fresh", "edge-20261104.enc", code="33.17.09.2001", version="0.4.1")
    upload(sqlite_hub, b"old", "edge-20261101.enc", code=CODE)
    with sqlite_hub.app.app_context():
        from district.backups import VillageBackup

        VillageBackup.update(received_at=datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=3)).where(
            VillageBackup.village == CODE).execute()
    page = staff.get("/").get_data(as_text=True)
    alert = re.search(r'id="backup-alert">(.*?)</p>', page, re.S).group(1)
    assert "Mojowarno" in alert and "Bogoharjo" in alert and "Banggi" not in alert  # none, or 3 days old
    assert "3 hari" in page and "0.4.1" in page
