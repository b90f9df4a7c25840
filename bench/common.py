"""Helpers shared by the benchmarks: one JSON line per figure, percentiles, process memory."""
from __future__ import annotations

import json
import statistics
import sys


def emit(name: str, value, unit: str, **extra) -> None:
    print(json.dumps({"name": name, "value": value, "unit": unit, **extra}), flush=True)


def percentile(samples: list[float], p: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def rss_mib(pid: int) -> float:
    """Resident memory of a process from /proc (Linux)."""
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    print(f"no VmRSS for {pid}", file=sys.stderr)
    return float("nan")
