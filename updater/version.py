"""Which version of Anjungan Desa is running: the installed distribution's, else the source tree's."""
from __future__ import annotations

from importlib import metadata

DISTRIBUTION = "anjungan-desa"


def running_version(distribution: str = DISTRIBUTION) -> str:
    """The version pip installed (a release venv), or the source tree's (a checkout); "0+unknown" otherwise."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "0+unknown"
