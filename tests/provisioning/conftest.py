"""Provisioning fixtures: a real demo edge server process, temporary roots, and a file-tree snapshot."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import EdgeServerProcess

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    """`python -m edge_server serve --demo` (pairing code 123456, valid once) for one test module."""
    server = EdgeServerProcess(tmp_path_factory.mktemp("edge")).start()
    yield server
    server.stop()


def run_provisioning(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """`python -m provisioning ARGS` as a technician runs it; returns the finished process."""
    env = {**os.environ, "ANJUNGAN_PASSWORD_HASH": "scrypt:1024:8:1", "ANJUNGAN_PIN_HASH": "scrypt:1024:8:1"}
    return subprocess.run([sys.executable, "-m", "provisioning", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def snapshot(root: Path) -> dict[str, tuple]:
    """Every path under ``root`` with its type, mode and content (or link target); mtimes left out."""
    tree: dict[str, tuple] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            tree[rel] = ("link", os.readlink(path))
        elif path.is_dir():
            tree[rel] = ("dir", path.stat().st_mode & 0o7777)
        else:
            tree[rel] = ("file", path.stat().st_mode & 0o7777, path.read_bytes())
    return tree
