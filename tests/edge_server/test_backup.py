"""Backups made while the server writes restore to a consistent database; generations; restore CLI."""
import gzip
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime, timedelta

import pytest

from edge_server.backup import BackupError, copy_to_usb, generations, make_backup, restore_backup
from edge_server.queue.service import issue_ticket
from edge_server.sync.outbox import UNWRITTEN_COUNT


def test_backup_during_heavy_writes_restores_to_a_consistent_database(app, cfg, clock, tmp_path):
    """GIVEN a writer taking tickets as fast as it can WHEN a backup is made meanwhile THEN the restored
    database passes the integrity check and its numbers, sequences and outbox agree with each other."""
    stop = threading.Event()
    written = []

    def writer():
        with app.app_context():
            from edge_server.db import database

            database.connect(reuse_if_open=True)
            while not stop.is_set():
                written.append(issue_ticket("ABC"[len(written) % 3], clock=clock).id)
            database.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 50:
            pass
        backup = make_backup(cfg.database_path, tmp_path / "backups", clock.local())
    finally:
        stop.set()
        thread.join()
    restored = tmp_path / "restored.sqlite3"
    sqlite3.connect(restored).close()
    restore_backup(backup, restored)
    con = sqlite3.connect(restored)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    tickets = con.execute("select count(*) from ticket").fetchone()[0]
    assert 50 <= tickets <= len(written)
    for service_id, last_number in con.execute("select service_id, last_number from queue_tally"):
        numbers = [n for (n,) in con.execute("select number from ticket where issued_service_id=? order by number",
                                             (service_id,))]
        assert numbers == list(range(1, last_number + 1))
    # every ticket's event is in the outbox or still to be written from its row (sync/outbox.py), once
    seqs = [s for (s,) in con.execute("select seq from outbox_event order by seq")]
    (unwritten,) = con.execute(UNWRITTEN_COUNT).fetchone()
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) + unwritten == tickets


def test_generations_are_kept_and_pruned(cfg, app, tmp_path):
    dest = tmp_path / "b"
    start = datetime(2026, 11, 1, 2, 0)
    for day in range(5):
        make_backup(cfg.database_path, dest, start + timedelta(days=day), keep=3)
    names = [p.name for p in generations(dest)]
    assert names == ["edge-20261105-020000.sqlite3.gz", "edge-20261104-020000.sqlite3.gz",
                     "edge-20261103-020000.sqlite3.gz"]


def test_usb_copy_goes_under_the_village_folder(cfg, app, tmp_path):
    backup = make_backup(cfg.database_path, tmp_path / "b", datetime(2026, 11, 28, 2, 0))
    stick = tmp_path / "stick"
    stick.mkdir()
    copies = copy_to_usb(backup, "33.17.09.2016", [stick])
    assert copies == [stick / "anjungan-backup" / "3317092016" / backup.name]
    assert gzip.open(copies[0]).read(16) == b"SQLite format 3\x00"


@pytest.mark.parametrize("content", [b"not a database", gzip.compress(b"garbage" * 100, mtime=0), b""],
                         ids=["text", "gzip-garbage", "empty"])
def test_restore_refuses_files_that_are_not_backups(tmp_path, content):
    bad = tmp_path / "bad.sqlite3.gz"
    bad.write_bytes(content)
    target = tmp_path / "live.sqlite3"
    sqlite3.connect(target).execute("create table keep(x)").connection.commit()
    with pytest.raises(BackupError):
        restore_backup(bad, target)
    assert sqlite3.connect(target).execute("select name from sqlite_master").fetchall() == [("keep",)]


def test_backup_and_restore_commands(cfg, app, clock, tmp_path):
    env = {"PATH": "/usr/bin:/bin"}
    with app.app_context():
        issue_ticket("A", clock=clock)
    made = subprocess.run([sys.executable, "-m", "edge_server", "backup", "--data-dir", cfg.data_dir],
                          capture_output=True, text=True, timeout=60, env=env)
    assert made.returncode == 0, made.stderr
    backup = made.stdout.split("backup written: ")[1].split()[0]
    with app.app_context():
        issue_ticket("A", clock=clock)
    refused = subprocess.run([sys.executable, "-m", "edge_server", "restore", backup, "--data-dir", cfg.data_dir],
                             capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    done = subprocess.run([sys.executable, "-m", "edge_server", "restore", backup, "--data-dir", cfg.data_dir,
                           "--yes"], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert sqlite3.connect(cfg.database_path).execute("select count(*) from ticket").fetchone()[0] == 1
