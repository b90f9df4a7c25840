"""OpenSID XLSX import figures on 100,000 residents in OpenSID's exact shape (43 columns, inline strings):
the two XLSX readers we could use (python-calamine, openpyxl read-only), the whole parse, and the CLI
`python -m edge_server residents import FILE --data-dir DIR` from start to exit on a fresh data dir."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import emit, median  # noqa: E402
from tests.opensid_export import resident, write_xlsx  # noqa: E402

ROWS = 100_000
RUNS = 3


def read_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return sum(1 for _row in sheet.iter_rows())


def read_openpyxl(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def timed(func, *args) -> float:
    started = time.perf_counter()
    func(*args)
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-xlsx-") as tmp:
        path = write_xlsx(Path(tmp) / "penduduk_28_11_2026.xlsx", [resident(i) for i in range(ROWS)])
        emit("opensid_xlsx_file_size", round(path.stat().st_size / 2**20, 1), "MiB", rows=ROWS)
        calamine = median([timed(read_calamine, path) for _ in range(RUNS)])
        emit("xlsx_read_calamine_rows_per_second", round(ROWS / calamine), "rows/s", rows=ROWS, runs=RUNS)
        slow = timed(read_openpyxl, path)  # once: it takes ten times longer
        emit("xlsx_read_openpyxl_rows_per_second", round(ROWS / slow), "rows/s", rows=ROWS, runs=1)
        emit("xlsx_reader_speedup_calamine_over_openpyxl", round(slow / calamine, 1), "x")

        from edge_server.residents import importer

        data = path.read_bytes()
        parse = median([timed(importer.parse_residents, data, date(2026, 11, 28)) for _ in range(RUNS)])
        emit("opensid_xlsx_parse_rows_per_second", round(ROWS / parse), "rows/s", rows=ROWS, runs=RUNS)

        env = {**os.environ, "ANJUNGAN_PIN_HASH": "scrypt:1024:8:1", "ANJUNGAN_PASSWORD_HASH": "scrypt:1024:8:1"}
        times = []
        for run in range(RUNS):
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "edge_server", "residents", "import", str(path),
                                   "--data-dir", str(Path(tmp) / f"edge-{run}")], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=300)
            times.append(time.perf_counter() - started)
            if done.returncode != 0:
                raise SystemExit(f"CLI import failed: {done.stdout[-500:]} {done.stderr[-500:]}")
        emit("opensid_xlsx_cli_import_seconds", round(median(times), 2), "s", rows=ROWS, runs=RUNS,
             goal_seconds=10)


if __name__ == "__main__":
    main()
