"""`python -m edge_server backup` and `restore`: for technicians, with plain messages."""
from __future__ import annotations

import sys
from pathlib import Path

from .backup import BackupError, copy_to_usb, make_backup, restore_backup, usb_targets
from .clock import Clock
from .config import EdgeConfig
from .db import migrate, open_database


def run_backup(args, cfg: EdgeConfig) -> int:
    if not cfg.database_path.exists():
        print(f"error: no database at {cfg.database_path}", file=sys.stderr)
        return 1
    dest = Path(args.to) if args.to else Path(cfg.data_dir) / "backups"
    try:
        backup = make_backup(cfg.database_path, dest, Clock(cfg.zone).local(), args.keep)
    except (BackupError, OSError) as exc:
        print(f"error: backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"backup written: {backup}")
    for copy in copy_to_usb(backup, cfg.village_code or "desa", usb_targets(), args.keep):
        print(f"copied to USB: {copy}")
    return 0


def run_restore(args, cfg: EdgeConfig) -> int:
    if not args.yes:
        if not sys.stdin.isatty():
            print("error: restoring replaces today's data; run again with --yes", file=sys.stderr)
            return 2
        answer = input(f"Replace the database in {cfg.data_dir} with {args.file}? Stop the server first. [y/N] ")
        if answer.strip().lower() not in ("y", "ya", "yes"):
            print("nothing changed")
            return 1
    try:
        restore_backup(Path(args.file), cfg.database_path, backup_key=cfg.backup_key,
                       district_secret=cfg.district_secret)
    except (BackupError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    migrate(open_database(cfg.database_path))  # an older backup is brought to this version's schema
    print(f"restored {args.file}; start the server again, sync resumes by itself")
    return 0
