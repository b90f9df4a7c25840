"""One update: verify, download, install beside, smoke-test, switch, health-check, roll back on failure.

Every failure before the switch leaves `current` untouched; a failure after it points `current` back at the
previous environment and restarts the service again. A version that failed is remembered and not retried.
"""
from __future__ import annotations

import json
import logging
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

from anjungan_core.version import running_version

from .install import (
    InstallFailed,
    bad_versions,
    current_target,
    extract,
    healthy,
    make_venv,
    mark_bad,
    point_current,
    prune_releases,
    smoke_test,
)
from .manifest import ReleaseRejected, is_newer, parse, verify

log = logging.getLogger(__name__)
VERSION_FILE = "anjungan-release.json"
MAX_TARBALL = 512 * 1024 * 1024


@dataclass(frozen=True)
class Outcome:
    action: str  # "up_to_date", "installed", "rejected", "failed", "rolled_back"
    version: str
    detail: str = ""


def installed_version(root: Path) -> str:
    """The version `current` runs (from its release marker), else this interpreter's distribution."""
    target = current_target(root)
    marker = target / VERSION_FILE if target else None
    if marker and marker.exists():
        return json.loads(marker.read_text())["version"]
    return running_version()


def fetch_latest(base_url: str, timeout: float = 30.0) -> dict:
    """`GET /api/v1/releases/latest` of the hub. :raises OSError: no answer or no release."""
    with urllib.request.urlopen(base_url.rstrip("/") + "/api/v1/releases/latest", timeout=timeout) as answer:
        return json.loads(answer.read())


def download(url: str, dest: Path, size: int, timeout: float = 60.0) -> None:
    """Download to `dest`, resuming a partial `.part` file with a Range request; at most `size` bytes.

    :raises ReleaseRejected: the file came out longer or shorter than announced (it is then removed).
    """
    if size <= 0 or size > MAX_TARBALL:
        raise ReleaseRejected(f"release size {size} is out of bounds")
    partial = dest.with_name(dest.name + ".part")
    have = partial.stat().st_size if partial.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if 0 < have < size else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            mode = "ab" if answer.status == 206 else "wb"
            with open(partial, mode) as out:
                while chunk := answer.read(1024 * 1024):
                    out.write(chunk)
                    if out.tell() > size:
                        break
    except urllib.error.HTTPError as exc:
        if exc.code != 416:  # 416: we already hold every byte
            raise
    if partial.stat().st_size != size:
        got = partial.stat().st_size
        if got > size:
            partial.unlink()
        raise ReleaseRejected(f"download has {got} of {size} bytes; it resumes on the next run")
    partial.replace(dest)


def apply_release(root: Path, info: dict, public_pem: bytes, fetch: Callable[[Path], None], *,
                  modules: list[str], restart: Callable[[], None] | None = None, health_url: str = "",
                  health_deadline: float = 120.0, current_version: str | None = None) -> Outcome:
    """Bring `root` to the release `info` describes (the JSON of /api/v1/releases/latest).

    :param fetch: writes the release tarball to the path it is given (raises on failure).
    :param modules: each must answer `python -m MODULE --help` from the new environment before the switch.
    :param restart: restarts the services after a switch (None: nothing runs from `root`, e.g. tests).
    """
    manifest_bytes = str(info.get("manifest", "")).encode("utf-8")
    try:
        verify(public_pem, manifest_bytes, str(info.get("signature", "")))
        manifest = parse(manifest_bytes)
    except ReleaseRejected as exc:
        return Outcome("rejected", str(info.get("version", "?")), str(exc))
    current = current_version or installed_version(root)
    if not is_newer(manifest.version, current):
        return Outcome("up_to_date", current)
    if manifest.version in bad_versions(root):
        return Outcome("up_to_date", current, f"{manifest.version} failed before; not tried again")
    work = root / "downloads" / manifest.version
    work.mkdir(parents=True, exist_ok=True)
    tarball = work / "release.tar.gz"
    venv = root / "releases" / manifest.version
    try:
        if not tarball.exists():
            fetch(tarball)
        extract(tarball, work / "wheels", manifest)
    except ReleaseRejected as exc:
        tarball.unlink(missing_ok=True)
        return Outcome("rejected", manifest.version, str(exc))
    except OSError as exc:
        return Outcome("failed", manifest.version, f"download failed; retried next run: {exc}")
    try:
        make_venv(venv, work / "wheels", manifest.requirement)
        smoke_test(venv, modules)
    except InstallFailed as exc:
        mark_bad(root, manifest.version)
        shutil.rmtree(venv, ignore_errors=True)
        return Outcome("failed", manifest.version, str(exc))
    (venv / VERSION_FILE).write_text(json.dumps({"version": manifest.version,
                                                 "manifest_sha256": sha256(manifest_bytes).hexdigest()}))
    previous = current_target(root)
    point_current(root, venv)
    log.info("switched to %s (previous: %s)", manifest.version, previous)
    if restart:
        restart()
    if health_url and not healthy(health_url, health_deadline):
        mark_bad(root, manifest.version)
        if previous is not None:
            point_current(root, previous)
            if restart:
                restart()
        return Outcome("rolled_back", current, f"{manifest.version} did not answer {health_url} in "
                                               f"{health_deadline:.0f} s; back on {current}")
    prune_releases(root, {venv} | ({previous} if previous else set()))
    shutil.rmtree(root / "downloads", ignore_errors=True)
    return Outcome("installed", manifest.version)
