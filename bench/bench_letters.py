"""Residents and letters figures: OpenSID import speed for 100,000 rows (in process and through the CLI),
and identify latency (p50/p95) on a real server process holding 100,000 residents, by scan and by NIK + PIN
at the production PIN hash cost."""
from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import emit, percentile  # noqa: E402
from drivers.idcard import make_nik  # noqa: E402
from tests.e2e.conftest import EdgeServerProcess  # noqa: E402

ROWS = 100_000
PRODUCTION_PIN_HASH = "scrypt:16384:8:1"
HEADER = "nik;nama;no_kk;sex;tempat_lahir;tanggal_lahir;agama;pekerjaan;status_kawin;alamat;dusun;rt;rw"


def write_export(path: Path, rows: int) -> list[str]:
    """An OpenSID-style export with `rows` distinct valid NIKs (BOM, `;`, day-first dates); returns the NIKs."""
    rng = random.Random(2016)
    niks = []
    lines = [HEADER]
    for i in range(rows):
        born = date(1940, 1, 1) + timedelta(days=i % 30000)
        sex = "L" if i % 2 else "P"
        nik = make_nik("331709", born, sex, i // 30000 + 1 + (i % 7) * 10)
        niks.append(nik)
        lines.append(f"{nik};Warga {rng.choice(['Budi', 'Siti', 'Agus', 'Dewi'])} {i};"
                     f"33170915011{i % 100000:05d};{sex};Rembang;{born:%d-%m-%Y};Islam;Petani;Kawin;"
                     f"Jl. Kenanga No. {i % 90};Krajan;{i % 9 + 1:03d};{i % 3 + 1:03d}")
    assert len(set(niks)) == rows, "NIKs must be distinct"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode())
    return niks


def bench_import_in_process(path: Path, data_dir: Path) -> None:
    os.environ.setdefault("ANJUNGAN_PIN_HASH", "scrypt:1024:8:1")
    from edge_server import create_app
    from edge_server.config import load_config
    from edge_server.residents import importer, service

    app = create_app(load_config(None, env={}, data_dir=str(data_dir)))
    clock = app.extensions["clock"]
    data = path.read_bytes()
    t0 = time.perf_counter()
    parsed = importer.parse_residents(data, clock.business_date())
    t1 = time.perf_counter()
    with app.app_context():
        created, _updated = service.import_rows(parsed.rows, clock.utcnow())
        t2 = time.perf_counter()
        service.import_rows(parsed.rows, clock.utcnow())  # the same file again: every row an update
        t3 = time.perf_counter()
    assert not parsed.errors and created == ROWS
    emit("residents_import_parse_rows_per_second", round(ROWS / (t1 - t0)), "rows/s")
    emit("residents_import_rows_per_second", round(ROWS / (t2 - t0)), "rows/s", rows=ROWS, phase="parse+insert")
    emit("residents_reimport_update_rows_per_second", round(ROWS / (t3 - t2)), "rows/s", rows=ROWS)


def bench_import_cli(path: Path, data_dir: Path) -> float:
    env = {**os.environ, "ANJUNGAN_PIN_HASH": "scrypt:1024:8:1", "ANJUNGAN_PASSWORD_HASH": "scrypt:1024:8:1"}
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "edge_server", "residents", "import", str(path), "--data-dir",
                           str(data_dir)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"import failed: {done.stdout[-500:]} {done.stderr[-500:]}")
    emit("residents_import_cli_rows_per_second", round(ROWS / elapsed), "rows/s", rows=ROWS,
         seconds=round(elapsed, 2))
    return elapsed


def timed(session: requests.Session, url: str, body: dict, headers: dict, expect: int = 200) -> float:
    t0 = time.perf_counter()
    r = session.post(url, json=body, headers=headers, timeout=30)
    dt = time.perf_counter() - t0
    if r.status_code != expect:
        raise SystemExit(f"identify answered {r.status_code}: {r.text[:200]}")
    return dt * 1000


def bench_identify(path: Path, niks: list[str], tmp: Path) -> None:
    server = EdgeServerProcess(tmp / "edge", env={"ANJUNGAN_PIN_HASH": PRODUCTION_PIN_HASH,
                                                  "ANJUNGAN_IDENTIFY_PER_MINUTE": "1000000"}).start()
    try:
        bench_import_cli(path, server.data_dir)  # into the running server's database (WAL)
        url = f"{server.url}/api/v1/identify"
        rng = random.Random(7)
        with_pin = [r for r in server.demo["residents"] if "pin" in r]
        with requests.Session() as s:
            for nik in rng.sample(niks, 20):  # warm up
                timed(s, url, {"scan": nik}, server.kiosk_headers)
            scan = [timed(s, url, {"scan": nik}, server.kiosk_headers) for nik in rng.sample(niks, 1000)]
            tags = [timed(s, url, {"scan": r["rfid"]}, server.kiosk_headers) for r in with_pin * 25]
            pins = [timed(s, url, {"nik": r["nik"], "pin": r["pin"]}, server.kiosk_headers) for r in with_pin * 10]
            unknown = [timed(s, url, {"nik": make_nik("331799", date(1990, 1, 1), "L", i), "pin": "000000"},
                             server.kiosk_headers, expect=401) for i in range(1, 41)]
        for name, samples in (("scan_nik", scan), ("scan_rfid", tags), ("nik_pin", pins),
                              ("unknown_nik_pin", unknown)):
            for p in (50, 95):
                emit(f"identify_{name}_p{p}_ms", round(percentile(samples, p), 2), "ms", residents=ROWS + 220,
                     samples=len(samples), pin_hash=PRODUCTION_PIN_HASH if "pin" in name else None)
    finally:
        server.stop()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-letters-") as tmp_name:
        tmp = Path(tmp_name)
        path = tmp / "penduduk.csv"
        niks = write_export(path, ROWS)
        bench_import_in_process(path, tmp / "inproc")
        bench_identify(path, niks, tmp)


if __name__ == "__main__":
    main()
