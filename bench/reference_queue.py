"""The simplest queue server in the field, as a yardstick for bench_queue: Flask + waitress + sqlite3.

One POST /tickets: BEGIN IMMEDIATE, bump a counter row, insert a log row, build the raw ESC/POS receipt, commit.
No authentication, idempotency, outbox, position or estimate. Run: `python bench/reference_queue.py DB_PATH`;
it prints `listening on http://127.0.0.1:PORT` once it accepts connections.
"""
from __future__ import annotations

import sqlite3
import sys
import threading
from datetime import datetime

from flask import Flask, jsonify, request
from waitress import create_server

ESC, GS = b"\x1b", b"\x1d"


def receipt(number: str, issued: str) -> bytes:
    return (ESC + b"@" + ESC + b"a\x01" + GS + b"!\x11" + number.encode() + b"\n" + GS + b"!\x00"
            + issued.encode() + b"\n\n\n" + GS + b"V\x41\x03")


def create_app(db_path: str) -> Flask:
    app = Flask(__name__)
    local = threading.local()

    def connection() -> sqlite3.Connection:
        con = getattr(local, "con", None)
        if con is None:
            con = local.con = sqlite3.connect(db_path, isolation_level=None, timeout=10)
            con.execute("pragma journal_mode=wal")
            con.execute("pragma synchronous=normal")
        return con

    con = connection()
    con.execute("create table if not exists counter (service text primary key, last integer not null)")
    con.execute("create table if not exists ticket (id integer primary key, service text, number integer, "
                "issued_at text)")
    con.executemany("insert or ignore into counter values (?, 0)", [("A",), ("B",), ("C",)])

    @app.post("/tickets")
    def take():
        service = (request.get_json(silent=True) or {}).get("service", "A")
        con = connection()
        con.execute("begin immediate")
        try:
            (number,) = con.execute("update counter set last = last + 1 where service = ? returning last",
                                    (service,)).fetchone()
            issued = datetime.now().isoformat(timespec="seconds")
            con.execute("insert into ticket (service, number, issued_at) values (?, ?, ?)",
                        (service, number, issued))
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        label = f"{service}-{number:03d}"
        receipt(label, issued)
        return jsonify({"ticket": {"number": label}}), 201

    return app


def main() -> None:
    server = create_server(create_app(sys.argv[1]), host="127.0.0.1", port=0, threads=8)
    print(f"listening on http://127.0.0.1:{server.effective_port}", flush=True)
    server.run()


if __name__ == "__main__":
    main()
