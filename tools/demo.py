"""`make demo`: a demo district hub, a demo village edge server syncing to it, and the kiosk app.

Everything runs on this machine on 127.0.0.1; Ctrl-C, or closing the kiosk window, stops it all. Data lives in
DATA_DIR (default demo-data), so a second run keeps the first run's tickets and passwords. The first run also fills
the information screens (announcements with a picture, a camera, links, officials, office hours).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

LISTENING = re.compile(r"listening on (http://[\w.]+:\d+)")


def start(name: str, cmd: list[str], env: dict, timeout: float = 60.0) -> tuple[subprocess.Popen, str]:
    """Start a server and wait for its `listening on` line, echoing its log with a prefix."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    found: dict = {}
    ready = threading.Event()

    def pump():
        for line in proc.stdout:
            sys.stdout.write(f"[{name}] {line}")
            match = LISTENING.search(line)
            if match and not ready.is_set():
                found["url"] = match.group(1)
                ready.set()

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    while not ready.wait(0.2):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{name} did not start (exit code {proc.poll()})")
    return proc, found["url"]


def seed_information(edge_dir: Path, edge_url: str) -> bool:
    """Once per data dir: what the docs show on the kiosk's information screens (edge_server/demo_info.py).

    Written into the edge's SQLite file from here, as staff would through the console. :returns: True when added."""
    from datetime import UTC, datetime

    from edge_server.db import database, open_database
    from edge_server.demo import write_demo_json
    from edge_server.demo_info import seed_village_info

    demo_file = edge_dir / "demo.json"
    demo = json.loads(demo_file.read_text())
    if demo.get("village_info"):
        return False
    db = open_database(edge_dir / "edge.sqlite3")
    try:
        added = seed_village_info(edge_dir, edge_url, datetime.now(UTC).replace(tzinfo=None))
    finally:
        db.close()
        database.initialize(None)
    write_demo_json(edge_dir, {**demo, **(added or {"village_info": {}})})
    return bool(added)


def pairing_line(demo: dict, now: datetime | None = None) -> str:
    """The pairing code with when it stops working (made at the first run: later runs may find it expired)."""
    expires = demo.get("pairing_code_expires_at")
    code = demo.get("pairing_code", "?")
    if not expires:
        return f"Pairing code  : {code} (once)"
    now = now or datetime.now(UTC)
    if datetime.fromisoformat(expires.replace("Z", "+00:00")) <= now:
        return (f"Pairing code  : {code} expired at {demo.get('pairing_code_expires_local', expires)}; make a new "
                "one in the console (Perangkat / Devices)")
    return f"Pairing code  : {code} (once, valid until {demo.get('pairing_code_expires_local', expires)})"


def supervise(procs: list[subprocess.Popen], kiosk: subprocess.Popen | None, poll: float = 0.5) -> int:
    """Wait while everything runs. The kiosk window closed (exit 0) ends the demo cleanly (0); a server or the
    kiosk dying otherwise ends it with 1, saying which."""
    while True:
        for proc in procs:
            code = proc.poll()
            if code is None:
                continue
            if proc is kiosk and code == 0:
                print("Kiosk window closed: stopping the demo.")
                return 0
            print(f"{' '.join(proc.args[1:4]) if isinstance(proc.args, list) else proc.args} stopped "
                  f"(exit code {code}): stopping the demo.")
            return 1
        time.sleep(poll)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the whole Anjungan Desa demo on this machine.")
    parser.add_argument("--data-dir", default="demo-data")
    parser.add_argument("--edge-port", type=int, default=8080)
    parser.add_argument("--district-port", type=int, default=8090)
    parser.add_argument("--no-kiosk", action="store_true", help="do not start the kiosk app")
    args = parser.parse_args(argv)
    data = Path(args.data_dir).resolve()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    procs: list[subprocess.Popen] = []
    try:
        district, district_url = start("district", [
            sys.executable, "-m", "district", "serve", "--data-dir", str(data / "district"), "--demo",
            "--host", "127.0.0.1", "--port", str(args.district_port)], env)
        procs.append(district)
        villages = json.loads((data / "district" / "demo.json").read_text())["villages"]
        edge_env = {**env, "ANJUNGAN_DISTRICT_URL": district_url,
                    "ANJUNGAN_DISTRICT_SECRET": villages["33.17.09.2016"]["secret"],
                    "ANJUNGAN_DISTRICT_PUBLIC_URL": district_url}  # receipts' QR codes open the hub's pages
        edge, edge_url = start("edge", [
            sys.executable, "-m", "edge_server", "serve", "--data-dir", str(data / "edge"), "--demo",
            "--host", "127.0.0.1", "--port", str(args.edge_port)], edge_env)
        procs.append(edge)
        seed_information(data / "edge", edge_url)
        demo = json.loads((data / "edge" / "demo.json").read_text())
        district_demo = json.loads((data / "district" / "demo.json").read_text())
        print("\n=== Anjungan Desa demo ===")
        print(f"Staff console : {edge_url}/staff/login")
        for user in demo["staff"]:
            print(f"   {user['role']:<8} {user['username']} / {user['password']}")
        print(f"TV board      : {edge_url}/display")
        print(f"District hub  : {district_url}/login (QR codes on receipts and letters open its /t, /s, /verifikasi)")
        for user in district_demo.get("staff", []):
            print(f"   {'dinas':<8} {user['username']} / {user['password']}")
        print(pairing_line(demo))
        hours = (demo.get("village_info") or {}).get("office_hours")
        if hours:
            print(f"Office hours  : {hours} (services are closed outside them, as in a real hall)")
        print(f"Residents to try at the kiosk (NIK / PIN / RFID) are in {data / 'edge' / 'demo.json'}")
        kiosk = None
        if args.no_kiosk:
            pass
        elif not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            print("No display here: the kiosk app is not started (run it on a machine with a screen:\n"
                  f"  python -m kiosk --edge-url {edge_url} --token <kiosk_token> --printer virtual://"
                  f"{data / 'receipts'} --scanner keyboard)")
        else:
            kiosk = subprocess.Popen([sys.executable, "-m", "kiosk", "--edge-url", edge_url,
                                      "--token", demo["kiosk_token"], "--printer", f"virtual://{data / 'receipts'}",
                                      "--scanner", "keyboard", "--windowed", "--size", "1024x600"], env=env)
            procs.append(kiosk)
            print(f"Kiosk         : running; receipts are written to {data / 'receipts'}")
        print("Press Ctrl-C (or close the kiosk window) to stop.\n")
        return supervise(procs, kiosk)
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
