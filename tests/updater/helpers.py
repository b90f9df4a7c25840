"""Tiny releases for updater tests: a real wheel of a two-file package, built in tmp without a network."""
from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

from updater.__main__ import build_release
from updater.manifest import new_keypair

HEALTHY = "import sys\nprint('tinyapp', sys.argv[1:])\n"
BROKEN = "raise SystemExit('tinyapp: this version is broken')\n"


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def tiny_wheel(folder: Path, version: str, main: str = HEALTHY) -> Path:
    """tinyapp-VERSION-py3-none-any.whl whose `python -m tinyapp --help` runs `main`."""
    folder.mkdir(parents=True, exist_ok=True)
    info = f"tinyapp-{version}.dist-info"
    files = {"tinyapp/__init__.py": b"", "tinyapp/__main__.py": main.encode(),
             f"{info}/METADATA": f"Metadata-Version: 2.1\nName: tinyapp\nVersion: {version}\n".encode(),
             f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = "\n".join([_record_line(n, d) for n, d in files.items()] + [f"{info}/RECORD,,"]) + "\n"
    path = folder / f"tinyapp-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as whl:
        for name, data in files.items():
            whl.writestr(name, data)
        whl.writestr(f"{info}/RECORD", record)
    return path


def keypair(folder: Path) -> tuple[bytes, bytes]:
    private, public = new_keypair()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "release.key").write_bytes(private)
    (folder / "release.pub").write_bytes(public)
    return private, public


def tiny_release(folder: Path, version: str, private_pem: bytes, main: str = HEALTHY) -> tuple[Path, dict]:
    """A signed release tarball of tinyapp and the /api/v1/releases/latest JSON a hub would answer for it."""
    wheels = folder / f"wheels-{version}"
    tiny_wheel(wheels, version, main)
    tarball = folder / f"tinyapp-{version}.tar.gz"
    sig = build_release(wheels, version, f"tinyapp=={version}", private_pem, tarball)
    import tarfile

    with tarfile.open(tarball) as tar:
        manifest = tar.extractfile("manifest.json").read().decode()
    info = {"version": version, "manifest": manifest, "signature": sig.read_text().strip(),
            "size": tarball.stat().st_size, "url": f"file://{tarball}"}
    return tarball, info
