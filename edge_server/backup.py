"""Consistent SQLite backups (the online backup API, never a file copy), generations, USB copies, restore."""
from __future__ import annotations

import glob
import gzip
import logging
import os
import shutil
import sqlite3
import tempfile
import threading
from datetime import datetime
from pathlib import Path

from anjungan_core.regions import plain_village_code

log = logging.getLogger(__name__)
PREFIX = "edge-"
USB_GLOBS = ("/media/*/*", "/media/*", "/run/media/*/*", "/mnt/usb*")


class BackupError(Exception):
    """A backup could not be made or a file is not a usable backup; the message says why."""


def _integrity(path: Path) -> None:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = con.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path.name} is not an SQLite database: {exc}") from None
    finally:
        con.close()
    if result != "ok":
        raise BackupError(f"{path.name} failed the integrity check: {result}")
    if not {"ticket", "outbox_event", "village_profile"} <= tables:
        raise BackupError(f"{path.name} is not an Anjungan Desa edge database")


def make_backup(db_path: Path, dest_dir: Path, now: datetime, keep: int = 7) -> Path:
    """Copy the live database page by page under SQLite's locks, check it, gzip it, keep `keep` newest."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    name = f"{PREFIX}{now.strftime('%Y%m%d-%H%M%S')}.sqlite3.gz"
    with tempfile.TemporaryDirectory(dir=dest_dir) as tmp:
        raw = Path(tmp) / "backup.sqlite3"
        source = sqlite3.connect(db_path, timeout=30)
        target = sqlite3.connect(raw)
        try:
            source.backup(target, pages=256)  # steps let writers go on between chunks
        finally:
            target.close()
            source.close()
        _integrity(raw)
        packed = Path(tmp) / name
        with open(raw, "rb") as src, gzip.open(packed, "wb", compresslevel=6) as dst:
            shutil.copyfileobj(src, dst)
        os.chmod(packed, 0o600)
        final = dest_dir / name
        os.replace(packed, final)
    prune(dest_dir, keep)
    log.info("backup written: %s (%d bytes)", final, final.stat().st_size)
    return final


def generations(dest_dir: Path) -> list[Path]:
    """Backups in a folder, newest first."""
    return sorted(dest_dir.glob(f"{PREFIX}*.sqlite3.gz"), reverse=True)


def prune(dest_dir: Path, keep: int) -> None:
    for old in generations(dest_dir)[max(1, keep):]:
        old.unlink()


def usb_targets(patterns: tuple[str, ...] = USB_GLOBS) -> list[Path]:
    """Mounted removable drives we can write to (Raspberry Pi OS mounts USB sticks under /media)."""
    found = []
    for pattern in patterns:
        for path in map(Path, glob.glob(pattern)):
            if path.is_dir() and os.path.ismount(path) and os.access(path, os.W_OK):
                found.append(path)
    return found


def copy_to_usb(backup: Path, village_code: str, targets: list[Path], keep: int = 7) -> list[Path]:
    """Copy one backup to every mounted stick, under anjungan-backup/<village>/."""
    written = []
    for target in targets:
        folder = target / "anjungan-backup" / plain_village_code(village_code)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy2(backup, folder / backup.name)
            prune(folder, keep)
            written.append(folder / backup.name)
        except OSError as exc:
            log.warning("could not copy the backup to %s: %s", target, exc)
    return written


def encrypt_backup(backup: Path, dest: Path, backup_key: str, district_secret: str) -> Path:
    """An encrypted copy of a backup for the district hub (see backup_crypto for the key choice)."""
    from .backup_crypto import choose_secret, encrypt_stream

    kind, secret = choose_secret(backup_key, district_secret)
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".part")
    with open(backup, "rb") as src, open(partial, "wb") as dst:
        encrypt_stream(src, dst, secret, kind)
    os.chmod(partial, 0o600)
    os.replace(partial, dest)
    return dest


def _decrypt(backup: Path, out: Path, secrets: dict[int, str]) -> Path:
    """Decrypt an encrypted copy into `out` with the secret its header asks for."""
    from .backup_crypto import KIND_BACKUP_KEY, DecryptError, decrypt_stream, key_kind

    try:
        kind = key_kind(backup)
        secret = secrets.get(kind, "")
        if not secret:
            which = "backup_key" if kind == KIND_BACKUP_KEY else "district_secret"
            raise BackupError(f"{backup.name} is encrypted with the {which}; set it in edge.toml to restore")
        with open(backup, "rb") as src, open(out, "wb") as dst:
            decrypt_stream(src, dst, secret)
    except DecryptError as exc:
        raise BackupError(f"{backup.name}: {exc}") from None
    return out


def restore_backup(backup: Path, db_path: Path, *, backup_key: str = "", district_secret: str = "") -> None:
    """Replace the live database's content with a backup's, through the backup API (WAL-safe).

    A copy downloaded from the district hub (encrypted) is decrypted first with `backup_key` or the village's
    `district_secret`, whichever its header names.
    Stop `serve` first. Sync resumes by itself: the district answers `seq_conflict` for numbers it already
    holds under other events, and the edge renumbers what it has not had acknowledged.
    """
    from .backup_crypto import KIND_BACKUP_KEY, KIND_VILLAGE_SECRET, is_encrypted

    if not backup.exists():
        raise BackupError(f"{backup} does not exist")
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "restore.sqlite3"
        try:
            if is_encrypted(backup):
                secrets = {KIND_BACKUP_KEY: backup_key, KIND_VILLAGE_SECRET: district_secret}
                backup = _decrypt(backup, Path(tmp) / "decrypted.sqlite3.gz", secrets)
            if backup.suffix == ".gz":
                with gzip.open(backup, "rb") as src, open(raw, "wb") as dst:
                    shutil.copyfileobj(src, dst)
            else:
                shutil.copyfile(backup, raw)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise BackupError(f"{backup.name} cannot be read: {exc}") from None
        _integrity(raw)
        source = sqlite3.connect(raw)
        target = sqlite3.connect(db_path, timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    log.info("database restored from %s", backup.name)


def start_nightly_backups(app, keep: int = 7, check_every: float = 1800.0) -> threading.Thread:
    """Make a backup whenever the newest one is more than a day old (so: nightly, and soon after a restart)."""
    cfg = app.extensions["edge_config"]
    clock = app.extensions["clock"]
    dest = Path(cfg.data_dir) / "backups"
    stop = threading.Event()

    def loop():
        while not stop.wait(60 if not generations(dest) else check_every):
            try:
                newest = generations(dest)
                age = (clock.now().timestamp() - newest[0].stat().st_mtime) if newest else None
                if age is None or age > 24 * 3600:
                    backup = make_backup(cfg.database_path, dest, clock.local(), keep)
                    copy_to_usb(backup, cfg.village_code or "desa", usb_targets(), keep)
            except (OSError, sqlite3.Error, BackupError) as exc:
                log.error("nightly backup failed: %s", exc)

    thread = threading.Thread(target=loop, name="backup", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread
