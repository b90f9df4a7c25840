"""`python -m edge_server users add|reset-password|disable`: staff accounts, offline, for a locked-out admin."""
from __future__ import annotations

import sys

from anjungan_core.passwords import hash_secret

from .clock import Clock
from .config import EdgeConfig
from .db import migrate, open_database, write_transaction
from .models import LoginThrottle, StaffUser
from .security import new_password
from .staff.sessions import end_all


def run(args, cfg: EdgeConfig) -> int:
    db = open_database(cfg.database_path)
    migrate(db)
    try:
        return _run(args, cfg)
    finally:
        db.close()  # the last connection: SQLite checkpoints and removes the -wal file


def _run(args, cfg: EdgeConfig) -> int:
    now = Clock(cfg.zone).utcnow()
    username = args.username.strip().lower()
    with write_transaction():
        user = StaffUser.get_or_none(StaffUser.username == username)
        if args.users_command == "add":
            if user is not None:
                print(f"error: staff user {username!r} already exists (use reset-password)", file=sys.stderr)
                return 1
            password = new_password()
            StaffUser.create(username=username, password_hash=hash_secret(password, cfg.password_hash),
                             role=args.role, created_at=now)
            print(f"staff user {username} ({args.role}) created; password (shown once): {password}")
            return 0
        if user is None:
            print(f"error: no staff user {username!r}", file=sys.stderr)
            return 1
        if args.users_command == "reset-password":
            password = new_password()
            StaffUser.update(password_hash=hash_secret(password, cfg.password_hash), active=True).where(
                StaffUser.id == user.id).execute()
            LoginThrottle.delete().where(LoginThrottle.username == username).execute()
            end_all(user.id)
            print(f"new password for {username} (shown once): {password}")
            return 0
        StaffUser.update(active=False).where(StaffUser.id == user.id).execute()
        end_all(user.id)
        print(f"staff user {username} disabled")
        return 0
