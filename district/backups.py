"""Encrypted edge backups on the hub: signed over their headers (checked before the body is read), streamed to disk,
stored once per name, the newest N kept per village, listed with their age, stale ones flagged.

The hub only stores the bytes: a village with its own `backup_key` is the only one that can read its copies.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from peewee import BigIntegerField, CharField, DateTimeField, ForeignKeyField, fn

from anjungan_core.regions import dotted_village_code, plain_village_code

from .db import BaseModel, write_transaction
from .ingest import IngestError
from .models import Village
from .signing import backup_signature, hex_digest, signed_headers, within_window

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
READ_CHUNK = 256 * 1024


class VillageBackup(BaseModel):
    """An encrypted edge backup kept on disk (data_dir/backups/<code without dots>/<name>); migration 2."""

    village = ForeignKeyField(Village, column_name="village_code", on_delete="CASCADE")
    name = CharField(max_length=100)
    size = BigIntegerField()
    sha256 = CharField(max_length=64)
    received_at = DateTimeField()  # naive UTC

    class Meta:
        indexes = ((("village", "name"), True), (("village", "received_at"), False))


@dataclass(frozen=True)
class Received:
    name: str
    size: int
    sha256: str
    stored: bool  # False: the same name (or the same bytes) was already here


def folder(data_dir: str | Path, code: str) -> Path:
    return Path(data_dir) / "backups" / plain_village_code(code)


def valid_name(name: str) -> bool:
    """A plain file name (no folders, no leading dot), at most 100 characters."""
    return bool(NAME.fullmatch(name)) and ".." not in name


def spool(stream: BinaryIO, dest_dir: Path, limit: int) -> tuple[Path, int, str]:
    """Copy a request body to a temporary file in `dest_dir` while computing its SHA-256.

    :returns: (temporary path, size, hex SHA-256 of body).
    :raises IngestError: 413 when the body runs over `limit` bytes (the partial file is removed).
    """
    dest_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(prefix=".incoming-", dir=dest_dir)
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while True:
                chunk = stream.read(READ_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise IngestError(413, "too_large", f"backup over {limit} bytes")
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp), size, digest.hexdigest()


def receive(headers, stream: BinaryIO, data_dir: str, now_unix: float, now: datetime, window: int, limit: int,
            keep: int) -> Received:
    """Authenticate from the headers alone, then spool and store one backup upload.

    The signature covers timestamp, name and the body's SHA-256 (X-Anjungan-Content-SHA256), so a sender without
    the village secret is refused before a byte of the body is read or written to disk.

    :raises IngestError: 400 bad village or name, 403 unknown village, 401 bad_signature / clock_skew, 413 too large,
        400 digest_mismatch when the body is not the one signed.
    """
    code = dotted_village_code(headers.get("X-Anjungan-Village", ""))
    if code is None:
        raise IngestError(400, "bad_village", "X-Anjungan-Village is missing or not a village code")
    name = headers.get("X-Anjungan-Backup-Name", "").strip()
    if not valid_name(name):
        raise IngestError(400, "bad_name", "X-Anjungan-Backup-Name must be a plain file name of at most 100 chars")
    village = Village.get_or_none(Village.code == code)
    if village is None or not village.active:
        raise IngestError(403, "unknown_village", "village is not registered with this district")
    signed = signed_headers(headers)
    claimed = hex_digest(headers.get("X-Anjungan-Content-SHA256", ""))
    if signed is None or claimed is None or not hmac.compare_digest(
            backup_signature(village.secret, signed.timestamp, name, claimed), signed.signature):
        raise IngestError(401, "bad_signature", "signature does not match (signed: timestamp, name and "
                                                "X-Anjungan-Content-SHA256)")
    if not within_window(signed.timestamp, now_unix, window):  # before reading a byte of the (large) body
        raise IngestError(401, "clock_skew", f"timestamp is more than {window} s away from the hub's clock",
                          server_time=int(now_unix))
    declared = headers.get("Content-Length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise IngestError(413, "too_large", f"a backup may be at most {limit} bytes")
    target_dir = folder(data_dir, code)
    tmp, size, sha = spool(stream, target_dir, limit)
    try:
        if not hmac.compare_digest(sha, claimed):
            raise IngestError(400, "digest_mismatch", "the body is not the one whose SHA-256 was signed")
        return _store(village, name, tmp, size, sha, target_dir, now, keep)
    finally:
        tmp.unlink(missing_ok=True)


def _store(village: Village, name: str, tmp: Path, size: int, sha: str, target_dir: Path, now: datetime,
           keep: int) -> Received:
    with write_transaction():
        same = VillageBackup.get_or_none((VillageBackup.village == village.code)
                                         & ((VillageBackup.name == name) | (VillageBackup.sha256 == sha)))
        if same is not None:
            return Received(same.name, same.size, same.sha256, stored=False)
        os.chmod(tmp, 0o600)
        os.replace(tmp, target_dir / name)
        VillageBackup.create(village=village.code, name=name, size=size, sha256=sha, received_at=now)
        Village.update(last_seen=now).where(Village.code == village.code).execute()
    prune(village.code, target_dir, keep)
    return Received(name, size, sha, stored=True)


def prune(code: str, target_dir: Path, keep: int) -> int:
    """Drop all but the `keep` newest backups of a village (rows and files); returns how many went."""
    old = list(VillageBackup.select().where(VillageBackup.village == code)
               .order_by(VillageBackup.received_at.desc(), VillageBackup.id.desc()).offset(max(1, keep)))
    for row in old:
        (target_dir / row.name).unlink(missing_ok=True)
        row.delete_instance()
    return len(old)


def listing(code: str, now: datetime) -> list[dict]:
    """A village's backups, newest first, with their age in seconds."""
    rows = (VillageBackup.select().where(VillageBackup.village == code)
            .order_by(VillageBackup.received_at.desc(), VillageBackup.id.desc()))
    return [{"name": r.name, "size": r.size, "sha256": r.sha256,
             "received_at": r.received_at.isoformat(timespec="seconds") + "Z",
             "age_seconds": max(0, int((now - r.received_at).total_seconds()))} for r in rows]


def latest_by_village() -> dict[str, datetime]:
    """{village code: when its newest backup arrived} in one grouped query."""
    query = (VillageBackup.select(VillageBackup.village, fn.MAX(VillageBackup.received_at).alias("newest"))
             .group_by(VillageBackup.village))
    out = {}
    for row in query.namedtuples():
        newest = row.newest
        if isinstance(newest, str):  # SQLite hands MAX() back as text
            newest = datetime.fromisoformat(newest)
        out[row.village] = newest
    return out


def is_stale(newest: datetime | None, now: datetime, stale_hours: int) -> bool:
    """True when a village has no backup, or none younger than `stale_hours`."""
    return newest is None or now - newest > timedelta(hours=stale_hours)


def backup_path(data_dir: str, code: str, name: str) -> Path | None:
    """The file of a stored backup, or None when the hub holds no backup by that name."""
    if not valid_name(name):
        return None
    row = VillageBackup.get_or_none((VillageBackup.village == code) & (VillageBackup.name == name))
    path = folder(data_dir, code) / name
    return path if row is not None and path.exists() else None
