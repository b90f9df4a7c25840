"""Installing a verified release next to the running one, switching over atomically, rolling back.

Layout under a root folder (default /opt/anjungan):
    releases/<version>/        a virtual environment per release (kept: the previous one is the way back)
    current -> releases/<v>    the symlink the systemd units run; replaced with rename(2), never edited in place
    bad-versions               versions that failed their health check (not tried again)
A root with no `current` yet runs from `venv/` (the provisioned environment); that is the first way back.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from .manifest import Manifest, ReleaseRejected, check_files

PIP_TIMEOUT = 600


class InstallFailed(RuntimeError):
    """The new environment could not be made or failed its health check; the old one still runs."""


def extract(tarball: Path, dest: Path, manifest: Manifest) -> None:
    """Extract only the regular files the signed manifest names, flat into `dest`, then check their sha256.

    :raises ReleaseRejected: an unreadable (truncated) tarball or files that differ from the manifest.
    """
    dest.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(tarball, "r:gz") as tar:
            for member in tar:
                name = member.name.removeprefix("./")
                if name in manifest.files and member.isfile():
                    source = tar.extractfile(member)
                    with open(dest / name, "wb") as out:
                        shutil.copyfileobj(source, out)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ReleaseRejected(f"release tarball is unreadable (truncated?): {exc}") from None
    check_files(dest, manifest)


def make_venv(venv: Path, wheels: Path, requirement: str, python: str = sys.executable) -> None:
    """A fresh virtual environment with the release installed from its own wheels only (no index).

    :raises InstallFailed: venv or pip failed (their output's tail is in the message).
    """
    if venv.exists():
        shutil.rmtree(venv)
    steps = [[python, "-m", "venv", "--without-pip", str(venv)],
             [python, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-index",
              "--find-links", str(wheels), "--no-cache-dir", "--disable-pip-version-check", "--quiet", requirement]]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=PIP_TIMEOUT)
        if done.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            raise InstallFailed(f"{Path(step[2]).name if step[1] == '-m' else step[0]} failed: "
                                f"{(done.stderr or done.stdout)[-800:]}")


def smoke_test(venv: Path, modules: list[str], timeout: float = 60.0) -> None:
    """Each module's `--help` must exit 0 from the new environment (imports resolve, the CLI builds).

    :raises InstallFailed: naming the module that failed.
    """
    for module in modules:
        try:
            done = subprocess.run([str(venv / "bin" / "python"), "-m", module, "--help"], capture_output=True,
                                  text=True, timeout=timeout, cwd=venv)
        except subprocess.TimeoutExpired:
            raise InstallFailed(f"`python -m {module} --help` did not finish in {timeout:.0f} s") from None
        if done.returncode != 0:
            raise InstallFailed(f"`python -m {module} --help` failed in the new version: "
                                f"{(done.stderr or done.stdout)[-400:]}")


def current_target(root: Path) -> Path | None:
    """Where `current` points (resolved), or the provisioned `venv/` when nothing was switched yet."""
    link = root / "current"
    if link.is_symlink():
        return (root / os.readlink(link)).resolve()
    return (root / "venv") if (root / "venv").is_dir() else None


def point_current(root: Path, target: Path) -> None:
    """Make `current` point at `target` in one rename (a reader sees the old or the new link, never none)."""
    link, staging = root / "current", root / ".current.new"
    staging.unlink(missing_ok=True)
    os.symlink(os.path.relpath(target, root), staging)
    os.replace(staging, link)


def healthy(url: str, deadline_seconds: float, sleep: Callable[[float], None] = time.sleep) -> bool:
    """True once `url` answers 200 before the deadline (the restarted service is up on the new version)."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            pass
        if time.monotonic() >= deadline:
            return False
        sleep(1.0)


def bad_versions(root: Path) -> set[str]:
    path = root / "bad-versions"
    return set(path.read_text().split()) if path.exists() else set()


def mark_bad(root: Path, version: str) -> None:
    with open(root / "bad-versions", "a") as fh:
        fh.write(version + "\n")


def prune_releases(root: Path, keep: set[Path]) -> None:
    """Remove release environments other than the current and the previous one."""
    folder = root / "releases"
    for entry in folder.iterdir() if folder.is_dir() else []:
        if entry.is_dir() and entry.resolve() not in {k.resolve() for k in keep}:
            shutil.rmtree(entry, ignore_errors=True)
