"""Release manifests and their Ed25519 signatures (pure: bytes in, values out; no network, no installs).

A manifest is JSON: {"version": "0.2.0", "requirement": "anjungan-desa==0.2.0", "files": {"x.whl": "<sha256>"}}.
The signature is Ed25519 over the manifest's exact bytes; the public key lives in /etc/anjungan/release.pub (PEM).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VERSION = re.compile(r"^[0-9][0-9A-Za-z.+-]{0,39}$")
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,200}$")


class ReleaseRejected(ValueError):
    """A release that must not be installed: bad signature, malformed manifest, or files that do not match."""


@dataclass(frozen=True)
class Manifest:
    version: str
    requirement: str
    files: dict[str, str]  # file name -> hex sha256


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """:raises ReleaseRejected: not an Ed25519 public key in PEM."""
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError as exc:
        raise ReleaseRejected(f"release public key is not PEM: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ReleaseRejected("release public key is not an Ed25519 key")
    return key


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ReleaseRejected("release signing key is not an Ed25519 key")
    return key


def new_keypair() -> tuple[bytes, bytes]:
    """(private PEM, public PEM) of a fresh Ed25519 release key."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


def sign(private_pem: bytes, manifest: bytes) -> str:
    """Hex Ed25519 signature of the manifest bytes."""
    return load_private_key(private_pem).sign(manifest).hex()


def verify(public_pem: bytes, manifest: bytes, signature_hex: str) -> None:
    """:raises ReleaseRejected: the signature does not match this key and these exact bytes."""
    key = load_public_key(public_pem)
    try:
        key.verify(bytes.fromhex(signature_hex.strip()), manifest)
    except (InvalidSignature, ValueError):
        raise ReleaseRejected("release signature does not match the release key") from None


def build(version: str, requirement: str, files: dict[str, bytes]) -> bytes:
    """Manifest bytes for these files (name -> content), canonical JSON."""
    return json.dumps({"version": version, "requirement": requirement,
                       "files": {n: hashlib.sha256(c).hexdigest() for n, c in sorted(files.items())}},
                      sort_keys=True, indent=1).encode("utf-8")


def parse(raw: bytes) -> Manifest:
    """:raises ReleaseRejected: not a well-formed manifest."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ReleaseRejected("manifest is not JSON") from None
    if not isinstance(body, dict):
        raise ReleaseRejected("manifest is not an object")
    version, requirement, files = body.get("version"), body.get("requirement"), body.get("files")
    if not isinstance(version, str) or not VERSION.match(version):
        raise ReleaseRejected("manifest has no usable version")
    if not isinstance(requirement, str) or not requirement.strip() or requirement.strip().startswith("-"):
        raise ReleaseRejected("manifest has no usable requirement")
    if not isinstance(files, dict) or not files:
        raise ReleaseRejected("manifest lists no files")
    for name, digest in files.items():
        if not FILE_NAME.match(name) or not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise ReleaseRejected(f"manifest entry {name!r} is not a plain file name with a sha256")
    return Manifest(version, requirement.strip(), dict(files))


def check_files(folder: Path, manifest: Manifest) -> None:
    """:raises ReleaseRejected: a listed file is missing or its sha256 differs (a truncated or altered download)."""
    for name, expected in manifest.files.items():
        path = folder / name
        if not path.is_file():
            raise ReleaseRejected(f"{name} is missing from the release")
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1024 * 1024), b""):
                digest.update(chunk)
        if digest.hexdigest() != expected:
            raise ReleaseRejected(f"{name} differs from the signed manifest (truncated or altered)")


def version_key(version: str) -> tuple:
    """Sort key: 0.10.0 after 0.9.1; a pre-release (0.2.0rc1) before its release."""
    key = []
    for part in re.split(r"[.+-]", version):
        match = re.match(r"^(\d+)(.*)$", part)
        key.append((int(match.group(1)), 0 if match.group(2) else 1, match.group(2)) if match else (-1, 0, part))
    return tuple(key)


def is_newer(candidate: str, current: str) -> bool:
    return version_key(candidate) > version_key(current)
