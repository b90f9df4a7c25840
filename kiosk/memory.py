"""The kiosk's memory stays flat over a day of visits (issue 16): what a visit built is freed when it ends.

A visit builds widgets (service tiles, letter tiles, status rows) that Kivy links in reference cycles, so only
Python's cycle collector frees them, and with them their label textures and SDL surfaces. Left to itself the
collector runs a full collection rarely (when the long-lived objects have grown by a quarter), so the garbage of
many visits piles up first: about 20 MiB more resident memory in bench_kiosk.py. glibc then keeps most of the
freed heap pages mapped for later; ``malloc_trim`` gives them back to the system (about 8 MiB more).

The GL driver's shader compiler is the other large share. Mesa's drivers are one library that links libLLVM (for
its software renderer, llvmpipe), so every kiosk maps it; llvmpipe, where there is no GPU, compiles each shader
with it, a few times at start and after that almost never. Its code pages stay resident though nothing runs them
(about 48 MiB in bench_kiosk.py). They are clean pages of a file, so handing them back loses nothing: a later
compile reads the pages it needs from the file again. The kiosk hands them back once the home screen is up and at
the end of each visit (``MADV_PAGEOUT``, Linux 5.4 and later); pages another process also maps stay.

No Kivy here.
"""

from __future__ import annotations

import ctypes
import errno
import gc
import logging
import os
from collections.abc import Callable, Iterable

log = logging.getLogger(__name__)
MADV_PAGEOUT = 21  # <linux/mman.h>: reclaim these pages now
COMPILER_LIBRARIES = ("libLLVM", "libz3")  # what the GL driver compiles shaders with; nothing else uses them


def _find_malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None with another C library (musl has none)."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def _find_madvise() -> Callable[[int, int, int], int] | None:
    try:
        madvise = ctypes.CDLL(None, use_errno=True).madvise
    except (AttributeError, OSError):
        return None
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    madvise.restype = ctypes.c_int
    return madvise


_malloc_trim = _find_malloc_trim()
_madvise = _find_madvise()


def library_mappings(prefixes: Iterable[str], maps: str = "/proc/self/maps") -> list[tuple[int, int]]:
    """(start, end) of every mapping of a file whose name starts with one of ``prefixes``."""
    prefixes = tuple(prefixes)
    found = []
    try:
        with open(maps, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                fields = line.split(maxsplit=5)
                if len(fields) == 6 and os.path.basename(fields[5].rstrip("\n")).startswith(prefixes):
                    start, end = fields[0].split("-")
                    found.append((int(start, 16), int(end, 16)))
    except OSError:  # no /proc
        return []
    return found


def release_code_pages(prefixes: Iterable[str] = COMPILER_LIBRARIES) -> int:
    """Hand the resident pages of these libraries back to the system. :returns: bytes of mappings advised."""
    global _madvise
    if _madvise is None:
        return 0
    advised = 0
    for start, end in library_mappings(prefixes):
        if _madvise(start, end - start, MADV_PAGEOUT) != 0:
            error = ctypes.get_errno()
            log.debug("madvise(MADV_PAGEOUT) refused (%s): code pages are kept", os.strerror(error))
            if error == errno.EINVAL:  # a kernel before 5.4 has no MADV_PAGEOUT: do not ask again
                _madvise = None
            break
        advised += end - start
    return advised


def freeze_startup_objects() -> None:
    """Once the home screen is up: the modules, kv rules and screens made so far live as long as the app, so the
    cycle collector need not walk them again at each visit's end (about 120 000 objects: 90 ms a collection
    instead of 20 ms). No collection first: startup leaves no garbage cycles (none when measured), and one would
    add 30 ms to the cold start."""
    gc.freeze()


def release_visit_memory() -> None:
    """After a visit: free its widgets now, and give the freed heap pages and the compiler's code back."""
    freed = gc.collect()
    if _malloc_trim is not None:
        _malloc_trim(0)
    release_code_pages()
    log.debug("visit memory released (%d objects in cycles)", freed)
