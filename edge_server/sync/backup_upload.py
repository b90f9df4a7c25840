"""Sending the newest nightly backup, encrypted, to the district hub (`POST /api/v1/backups`).

Signed over its headers: HMAC-SHA256 of "<timestamp>.backup:<name>:<hex SHA-256 of the file>", with the SHA-256
in X-Anjungan-Content-SHA256, so the hub refuses a stranger before reading the body. Streamed from disk, at most
one backup per cycle. The hub stores a name once, so sending it again after a lost answer is harmless; a failure
is retried on a later cycle (not before RETRY_SECONDS). Names already accepted are remembered in
backups/uploaded.json.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from anjungan_core.files import atomic_write

from ..backup import encrypt_backup, generations
from ..backup_crypto import SUFFIX

log = logging.getLogger(__name__)

UPLOAD_PATH = "/api/v1/backups"
RETRY_SECONDS = 300.0
STATE_FILE = "uploaded.json"
REMEMBERED = 30


@dataclass(frozen=True)
class UploadResult:
    name: str
    ok: bool
    stored: bool = False
    reason: str = ""
    server_time: float | None = None  # set when the hub answered clock_skew


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks (the file may be tens of MiB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup_signature(secret: str, timestamp: int, name: str, sha256: str) -> str:
    """Hex HMAC-SHA256 of "<timestamp>.backup:<name>:<sha256>" (the hub checks it before reading the body)."""
    message = f"{int(timestamp)}.backup:{name}:{sha256}".encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def uploaded_names(backups_dir: Path) -> list[str]:
    try:
        names = json.loads((backups_dir / STATE_FILE).read_text()).get("names", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [n for n in names if isinstance(n, str)]


def remember(backups_dir: Path, name: str) -> None:
    names = [n for n in uploaded_names(backups_dir) if n != name] + [name]
    atomic_write(backups_dir / STATE_FILE, json.dumps({"names": names[-REMEMBERED:]}))


def next_to_upload(backups_dir: Path) -> Path | None:
    """The newest backup, unless the hub already has it (older ones are superseded by it)."""
    newest = generations(backups_dir)
    if not newest or newest[0].name + SUFFIX in uploaded_names(backups_dir):
        return None
    return newest[0]


def upload_file(session: requests.Session, base_url: str, village: str, secret: str, path: Path, *,
                version: str, clock_offset: float = 0.0, timeout: float = 120.0) -> UploadResult:
    """POST one encrypted file; classify the hub's answer (never raises for network trouble)."""
    timestamp = int(time.time() + clock_offset)
    sha256 = file_sha256(path)
    headers = {"X-Anjungan-Village": village, "X-Anjungan-Timestamp": str(timestamp),
               "X-Anjungan-Content-SHA256": sha256,
               "X-Anjungan-Signature": backup_signature(secret, timestamp, path.name, sha256),
               "X-Anjungan-Backup-Name": path.name, "X-Anjungan-Edge-Version": version,
               "Content-Type": "application/octet-stream", "Content-Length": str(path.stat().st_size)}
    try:
        with open(path, "rb") as body:
            response = session.post(base_url.rstrip("/") + UPLOAD_PATH, data=body, headers=headers,
                                    timeout=(5.0, timeout))
    except requests.RequestException as exc:
        return UploadResult(path.name, False, reason=f"tidak tersambung ke kabupaten ({type(exc).__name__})")
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code in (200, 201):
        return UploadResult(path.name, True, stored=bool(answer.get("stored")))
    error = answer.get("error", {}) if isinstance(answer.get("error"), dict) else {}
    if response.status_code == 401 and error.get("code") == "clock_skew":
        return UploadResult(path.name, False, reason="clock_skew", server_time=answer.get("server_time"))
    return UploadResult(path.name, False, reason=f"cadangan ditolak kabupaten (HTTP {response.status_code} "
                                                 f"{error.get('code', '')})".replace(" )", ")"))


class BackupUploader:
    """Called from the sync worker's cycle: sends the newest backup once, retrying later after a failure."""

    def __init__(self, cfg, session: requests.Session | None = None, version: str = ""):
        from anjungan_core.version import running_version

        self.cfg = cfg
        self.backups_dir = Path(cfg.data_dir) / "backups"
        self.session = session or requests.Session()
        self.version = version or running_version()
        self.not_before = 0.0

    def maybe_upload(self, village: str, clock_offset: float) -> UploadResult | None:
        """Upload the newest backup if the hub lacks it and no recent failure asks us to wait."""
        if time.monotonic() < self.not_before or not self.cfg.district_url:
            return None
        backup = next_to_upload(self.backups_dir)
        if backup is None:
            return None
        sealed = self.backups_dir / "outgoing" / (backup.name + SUFFIX)
        try:
            if not sealed.exists():
                for stale in sealed.parent.glob(f"*{SUFFIX}"):  # superseded copies never sent
                    stale.unlink()
                encrypt_backup(backup, sealed, self.cfg.backup_key, self.cfg.district_secret)
        except (OSError, ValueError) as exc:
            log.error("backup upload: cannot encrypt %s: %s", backup.name, exc)
            self.not_before = time.monotonic() + RETRY_SECONDS
            return UploadResult(sealed.name, False, reason=str(exc))
        args = dict(version=self.version, timeout=max(60.0, sealed.stat().st_size / 50_000))
        result = upload_file(self.session, self.cfg.district_url, village, self.cfg.district_secret, sealed,
                             clock_offset=clock_offset, **args)
        if result.server_time is not None:  # learn the hub's clock and try once more now
            result = upload_file(self.session, self.cfg.district_url, village, self.cfg.district_secret, sealed,
                                 clock_offset=float(result.server_time) - time.time(), **args)
        if result.ok:
            remember(self.backups_dir, sealed.name)
            sealed.unlink(missing_ok=True)
            log.info("backup upload: %s %s", sealed.name, "stored by the district" if result.stored
                     else "already held by the district")
        else:
            self.not_before = time.monotonic() + RETRY_SECONDS
            log.warning("backup upload: %s: %s", sealed.name, result.reason)
        return result
