"""Which version of Anjungan Desa is running: the one source every part reports (health, heartbeat, sync, UI)."""
from __future__ import annotations

from functools import lru_cache
from importlib import metadata

DISTRIBUTION = "anjungan-desa"


@lru_cache(maxsize=None)
def running_version(distribution: str = DISTRIBUTION) -> str:
    """The version pip installed (a release venv, or the checkout's editable install); "0+unknown" otherwise."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "0+unknown"
