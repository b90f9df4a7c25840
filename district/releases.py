"""Signed software releases hosted by the hub for edge servers and kiosks to fetch.

A release tarball holds `manifest.json` ({"version", "package", "files": {name: sha256}}) and the wheels it
names. The technician signs the manifest bytes with the regency's Ed25519 release key; the hub stores the
tarball, the manifest and the signature and never needs the key: devices check the signature against the public
key provisioning put in /etc/anjungan/release.pub. The hub only checks that the release is well formed.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tarfile
from datetime import datetime
from pathlib import Path

from peewee import BigIntegerField, CharField, DateTimeField, TextField

from .db import BaseModel, write_transaction

VERSION = re.compile(r"^[0-9][0-9A-Za-z.+-]{0,39}$")
TARBALL = "release.tar.gz"


class Release(BaseModel):
    """A published release: the tarball on disk, its manifest and signature here (migration 2)."""

    version = CharField(primary_key=True, max_length=40)
    manifest = TextField()  # the exact manifest.json bytes the signature covers (UTF-8)
    signature = CharField(max_length=128)  # hex Ed25519 signature of the manifest
    sha256 = CharField(max_length=64)  # of the tarball
    size = BigIntegerField()
    created_at = DateTimeField()


class ReleaseError(ValueError):
    """A release cannot be added; the message says why."""


def version_key(version: str) -> tuple:
    """Sort key: 0.10.0 after 0.9.1; a pre-release (0.2.0rc1) before its release."""
    parts = re.split(r"[.+-]", version)
    key = []
    for part in parts:
        match = re.match(r"^(\d+)(.*)$", part)
        if match:
            key.append((int(match.group(1)), 1 if not match.group(2) else 0, match.group(2)))
        else:
            key.append((-1, 0, part))
    return tuple(key)


def read_signature(raw: bytes) -> str:
    """A signature file as hex: 64 raw bytes, or 128 hex characters (whitespace ignored)."""
    text = raw.strip()
    if len(raw) == 64 and not re.fullmatch(rb"[0-9a-fA-F]+", raw):
        return raw.hex()
    if re.fullmatch(rb"[0-9a-fA-F]{128}", text):
        return text.decode().lower()
    raise ReleaseError("signature must be 64 raw bytes or 128 hex characters")


def manifest_of(tarball: Path) -> tuple[bytes, dict]:
    """The manifest bytes and their parsed form, checked against the tarball's members.

    :raises ReleaseError: no manifest, a bad version, or a file missing or differing from its listed sha256.
    """
    try:
        with tarfile.open(tarball, "r:gz") as tar:
            members = {m.name.removeprefix("./"): m for m in tar.getmembers() if m.isfile()}
            if "manifest.json" not in members:
                raise ReleaseError("the tarball has no manifest.json")
            raw = tar.extractfile(members["manifest.json"]).read()
            manifest = json.loads(raw)
            files = manifest.get("files") if isinstance(manifest, dict) else None
            if not isinstance(files, dict) or not files:
                raise ReleaseError("manifest.json lists no files")
            if not VERSION.match(str(manifest.get("version", ""))):
                raise ReleaseError("manifest.json has no usable version")
            for name, sha in files.items():
                member = members.get(name)
                if member is None:
                    raise ReleaseError(f"{name} is listed in the manifest but not in the tarball")
                if hashlib.sha256(tar.extractfile(member).read()).hexdigest() != sha:
                    raise ReleaseError(f"{name} differs from its sha256 in the manifest")
    except (tarfile.TarError, OSError, ValueError, EOFError) as exc:
        if isinstance(exc, ReleaseError):
            raise
        raise ReleaseError(f"{tarball.name} is not a release tarball: {exc}") from None
    return raw, manifest


def add_release(data_dir: str, tarball: Path, signature: str, now: datetime) -> Release:
    """Store a release; adding the same version again with the same tarball changes nothing.

    :raises ReleaseError: a malformed release, or another tarball already published under that version.
    """
    raw, manifest = manifest_of(tarball)
    version = manifest["version"]
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    with write_transaction():
        existing = Release.get_or_none(Release.version == version)
        if existing is not None:
            if existing.sha256 != digest:
                raise ReleaseError(f"version {version} is already published with another tarball")
            return existing
        target = release_dir(data_dir, version)
        target.mkdir(parents=True, exist_ok=True)
        partial = target / (TARBALL + ".part")
        shutil.copyfile(tarball, partial)
        os.replace(partial, target / TARBALL)
        return Release.create(version=version, manifest=raw.decode("utf-8"), signature=signature, sha256=digest,
                              size=tarball.stat().st_size, created_at=now)


def release_dir(data_dir: str, version: str) -> Path:
    return Path(data_dir) / "releases" / version


def latest() -> Release | None:
    releases = list(Release.select())
    return max(releases, key=lambda r: version_key(r.version)) if releases else None


def describe(release: Release, base_url: str) -> dict:
    """The JSON devices read: manifest (exact text), signature, and where the tarball is."""
    return {"version": release.version, "manifest": release.manifest, "signature": release.signature,
            "sha256": release.sha256, "size": release.size,
            "url": f"{base_url.rstrip('/')}/api/v1/releases/{release.version}/{TARBALL}"}
