"""The simplest sync receiver of its shape, as a yardstick for bench_sync: Flask + gunicorn + psycopg2.

One POST /batches, signed as the edge signs (HMAC-SHA256 of "<timestamp>." + body, CONTRACTS.md section 4): check
the signature, gunzip, parse, insert the batch's events in one statement (ON CONFLICT DO NOTHING on the event id,
so a batch sent twice is stored once), move the village's last seq, commit, answer the seq. The same gunicorn
settings as the hub (district/server.py: gthread, 4 workers of 4 threads). No body limits, no validation of the
events, no privacy check, no dashboard or public-page projection, no device state.

Run: `python bench/reference_ingest.py DATABASE_URL SECRETS_JSON` (a file of {village code: secret}); it prints
`listening on http://127.0.0.1:PORT` once it accepts connections.
"""
from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import socket
import sys
import threading

SCHEMA = """
CREATE TABLE ref_village (code text PRIMARY KEY, last_seq bigint NOT NULL DEFAULT 0);
CREATE TABLE ref_event (
    id uuid PRIMARY KEY, village text NOT NULL, seq bigint NOT NULL, type text NOT NULL,
    occurred_at timestamptz NOT NULL, business_date date NOT NULL, data jsonb NOT NULL);
"""
INSERT = ("INSERT INTO ref_event (id, village, seq, type, occurred_at, business_date, data) "
          "SELECT e.id, %s, e.seq, e.type, e.occurred_at, e.business_date, e.data "
          "FROM jsonb_to_recordset(%s::jsonb) AS e(id uuid, seq bigint, type text, occurred_at timestamptz, "
          "business_date date, data jsonb) ON CONFLICT (id) DO NOTHING")
MOVE = "UPDATE ref_village SET last_seq = greatest(last_seq, %s) WHERE code = %s"


def prepare(database_url: str, villages: list[str]) -> None:
    """The reference's two tables, empty, with a row per village."""
    import psycopg2

    con = psycopg2.connect(database_url)
    try:
        with con, con.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS ref_event, ref_village")
            cur.execute(SCHEMA)
            cur.executemany("INSERT INTO ref_village (code) VALUES (%s)", [(code,) for code in villages])
    finally:
        con.close()


def create_app(database_url: str, secrets: dict[str, str]):
    import psycopg2
    from flask import Flask, jsonify, request

    app = Flask(__name__)
    local = threading.local()

    def connection():
        con = getattr(local, "con", None)
        if con is None:
            con = local.con = psycopg2.connect(database_url)
        return con

    @app.post("/batches")
    def batches():
        village = request.headers.get("X-Anjungan-Village", "")
        timestamp = request.headers.get("X-Anjungan-Timestamp", "")
        secret = secrets.get(village)
        body = request.get_data()
        expected = hmac.new((secret or "").encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        if secret is None or not hmac.compare_digest(expected, request.headers.get("X-Anjungan-Signature", "")):
            return jsonify({"error": {"code": "bad_signature"}}), 401
        events = json.loads(gzip.decompress(body))["events"]
        top = max(event["seq"] for event in events)
        con = connection()
        with con, con.cursor() as cur:
            cur.execute(INSERT, (village, json.dumps(events)))
            cur.execute(MOVE, (top, village))
        return jsonify({"acked_through": top})

    return app


def main() -> None:
    from gunicorn.app.base import BaseApplication

    database_url, secrets_path = sys.argv[1], sys.argv[2]
    with open(secrets_path) as fh:
        secrets = json.load(fh)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    class Reference(BaseApplication):
        def load_config(self):
            for key, value in {"bind": f"127.0.0.1:{port}", "workers": 4, "worker_class": "gthread", "threads": 4,
                               "timeout": 60, "keepalive": 5, "accesslog": None, "errorlog": "-",
                               "loglevel": "warning",
                               "when_ready": lambda _server: print(f"listening on http://127.0.0.1:{port}",
                                                                   flush=True)}.items():
                self.cfg.set(key, value)

        def load(self):
            return create_app(database_url, secrets)

    Reference().run()


if __name__ == "__main__":
    main()
