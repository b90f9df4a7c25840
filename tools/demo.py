"""`make demo`: a demo district hub, a demo village edge server syncing to it, and the kiosk app.

Everything runs on this machine on 127.0.0.1; Ctrl-C stops it all. Data lives in DATA_DIR (default demo-data),
so a second run keeps the first run's tickets and passwords.
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
        demo = json.loads((data / "edge" / "demo.json").read_text())
        print("\n=== Anjungan Desa demo ===")
        print(f"Staff console : {edge_url}/staff/login")
        for user in demo["staff"]:
            print(f"   {user['role']:<8} {user['username']} / {user['password']}")
        print(f"TV board      : {edge_url}/display")
        print(f"District hub  : {district_url}/ (the QR codes on receipts and letters open its /t, /s, /verifikasi)")
        print(f"Residents to try at the kiosk (NIK / PIN / RFID) are in {data / 'edge' / 'demo.json'}")
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
        print("Press Ctrl-C to stop.\n")
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        return 1
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
