"""Each web worker process on a core of its own (`pin_workers`), as nginx's worker_cpu_affinity does.

Why: a request crosses threads twice in a worker (granian's Rust thread hands it to a Python thread, and the answer
back), and each crossing wakes a thread. When the two threads sit on different cores every wake-up is an
interrupt to the other core, which on the Pi and even more in a virtual machine costs as much as the ticket's SQL.
On one core a wake-up is a plain switch, and the worker's caches stay warm. bench_queue, alternated runs on this
2-core VM: 8 kiosks 0.98 / 1.00 -> 0.88 / 0.80 of the reference's CPU per ticket (docs/operator.md).

Which cores: the last `workers` of those this process may use (the Pi sends its USB and network interrupts to
core 0). A worker claims a core by holding an flock on DATA_DIR/cpu-<n>.lock, so a worker that died frees its core
for the one that replaces it. With more workers than cores nothing is pinned: the scheduler spreads them better.

Programs a worker starts (espeak-ng, Chromium for PDFs) would inherit its single core: they run inside
`released()`, which gives the calling thread every core back for as long as the program runs.
"""
from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

_all_cpus: set[int] | None = None  # the cores before this process was pinned (None: not pinned)


def pin_worker(lock_dir: Path, workers: int) -> int | None:
    """Pin the calling thread (and so every thread it starts later) to a free core of the last `workers`.

    Call it first thing in a worker process, before it starts threads. :returns: the core, or None when there are
    more workers than cores, the platform cannot pin, or every core's lock is taken."""
    global _all_cpus
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))
    if workers > len(cpus):
        return None
    for slot, cpu in enumerate(cpus[len(cpus) - workers:]):
        fd = os.open(lock_dir / f"cpu-{slot}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        os.sched_setaffinity(0, {cpu})  # `fd` stays open, and the lock held, for the life of the process
        _all_cpus = set(cpus)
        log.info("worker %d runs on core %d", os.getpid(), cpu)
        return cpu
    return None


@contextmanager
def released() -> Iterator[None]:
    """Around starting a program: the calling thread may use every core meanwhile, so the program does too."""
    if _all_cpus is None:
        yield
        return
    mine = os.sched_getaffinity(0)
    os.sched_setaffinity(0, _all_cpus)
    try:
        yield
    finally:
        os.sched_setaffinity(0, mine)
