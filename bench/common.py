"""Helpers shared by the benchmarks: one JSON line per figure, percentiles, process memory."""
from __future__ import annotations

import json
import os
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


def rss_mib(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of a process from /proc (Linux); ``RssAnon`` for the part that is not pages of files."""
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    print(f"no {field} for {pid}", file=sys.stderr)
    return float("nan")


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (a server with worker processes), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its descendants, to the nanosecond.

    /proc/PID/stat counts in clock ticks (10 ms here): a bench round of 0.3 s of CPU over three processes read
    twice was off by up to a tenth. So the live threads' exact run time is summed from
    /proc/PID/task/TID/schedstat. The ticks still give two things the threads cannot:
    - the time of reaped children (cutime, cstime: PostgreSQL's closed backends);
    - any part of the process's own total that its live threads no longer show (a thread that has exited).
    """
    hz = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            live = sum(_run_ns(p, tid) for tid in os.listdir(f"/proc/{p}/task")) / 1e9
        except OSError:
            continue
        own, reaped = (int(fields[11]) + int(fields[12])) / hz, (int(fields[13]) + int(fields[14])) / hz
        total += live + max(0.0, own - live) + reaped  # own <= live unless a thread exited (ticks round down)
    return total


def _run_ns(pid: int, tid: str) -> int:
    """A thread's time on a CPU so far, in ns (0 for one that has just exited)."""
    try:
        with open(f"/proc/{pid}/task/{tid}/schedstat") as fh:
            return int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def write_bytes(pid: int) -> int:
    """Bytes a process tree caused to be written to storage: /proc/PID/io write_bytes less cancelled_write_bytes
    (dirty pages of a file truncated or deleted before they reached the disk, e.g. a WAL reset)."""
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/io") as fh:
                io = dict(line.split(": ") for line in fh.read().splitlines())
        except OSError:
            continue
        total += int(io.get("write_bytes", 0)) - int(io.get("cancelled_write_bytes", 0))
    return total
