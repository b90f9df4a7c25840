"""Uploaded exports (XLSX or CSV, kept as uploaded) waiting for the admin's confirmation of a full import:
kept in DATA_DIR/pending-imports under a random token for one hour, taken (and deleted) once."""
from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

MAX_AGE_SECONDS = 3600
FOLDER = "pending-imports"


def _folder(data_dir: str | Path) -> Path:
    folder = Path(data_dir) / FOLDER
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _drop_old(folder: Path) -> None:
    for path in folder.iterdir():
        if time.time() - path.stat().st_mtime > MAX_AGE_SECONDS:
            path.unlink(missing_ok=True)


def save(data_dir: str | Path, data: bytes, name: str) -> str:
    """Keep the upload; returns its token (128 random bits, URL-safe)."""
    folder = _folder(data_dir)
    _drop_old(folder)
    token = secrets.token_urlsafe(16)
    (folder / f"{token}.csv").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps({"name": name}), encoding="utf-8")
    return token


def take(data_dir: str | Path, token: str) -> tuple[bytes, str] | None:
    """The upload and its file name, removed from the folder; None when unknown or too old."""
    if not token or len(token) > 40 or not token.replace("-", "").replace("_", "").isalnum():
        return None
    folder = _folder(data_dir)
    _drop_old(folder)
    data_path, meta_path = folder / f"{token}.csv", folder / f"{token}.json"
    if not data_path.is_file():
        return None
    data = data_path.read_bytes()
    name = json.loads(meta_path.read_text(encoding="utf-8")).get("name", "") if meta_path.is_file() else ""
    data_path.unlink(missing_ok=True)
    meta_path.unlink(missing_ok=True)
    return data, name
