"""Encrypting a backup for the district hub: AES-256-GCM in 1 MiB chunks, key from HKDF-SHA256 (pure, no I/O
beyond the two file objects it is handed).

The key comes from the village's `backup_key` (edge.toml) when set, otherwise from its `district_secret`. The hub
keeps each village's secret (it needs it to check HMAC signatures), so a copy sealed with the village secret is
private against anyone who reads the hub's disk or backups, but not against the hub's operator; a separate
`backup_key` the hub never sees keeps it private from the hub too, at the price of one more secret the technician
must keep (lose it and the hub's copies cannot be restored).

File layout: MAGIC (8) | key kind (1: 0 village secret, 1 backup key) | salt (16) | nonce prefix (8) | chunks.
Each chunk is up to CHUNK plaintext bytes sealed with nonce = prefix + 4-byte counter and associated data
header + final flag, so a reordered, dropped or truncated chunk fails authentication (the STREAM construction).
"""
from __future__ import annotations

import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"ANJBAK1\n"
HKDF_INFO = b"anjungan-desa edge backup v1"
CHUNK = 1024 * 1024
TAG = 16
KIND_VILLAGE_SECRET = 0
KIND_BACKUP_KEY = 1
HEADER_LEN = len(MAGIC) + 1 + 16 + 8
SUFFIX = ".enc"


class DecryptError(ValueError):
    """The file is not an encrypted backup, the key is wrong, or the file was cut short or changed."""


def derive_key(secret: str, salt: bytes) -> bytes:
    """A 256-bit AES key from a village secret or backup passphrase (HKDF-SHA256, fixed info string)."""
    if not secret:
        raise ValueError("no secret to derive a backup key from")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=HKDF_INFO).derive(secret.encode("utf-8"))


def choose_secret(backup_key: str, district_secret: str) -> tuple[int, str]:
    """(key kind, secret): the backup key when configured, else the village secret."""
    if backup_key:
        return KIND_BACKUP_KEY, backup_key
    return KIND_VILLAGE_SECRET, district_secret


def _nonce(prefix: bytes, counter: int) -> bytes:
    return prefix + struct.pack(">I", counter)


def encrypt_stream(src: BinaryIO, dst: BinaryIO, secret: str, kind: int) -> int:
    """Write the encrypted form of `src` to `dst`; returns the bytes written."""
    salt, prefix = os.urandom(16), os.urandom(8)
    header = MAGIC + bytes([kind]) + salt + prefix
    aead = AESGCM(derive_key(secret, salt))
    dst.write(header)
    written, counter = len(header), 0
    chunk = src.read(CHUNK)
    while True:
        following = src.read(CHUNK) if len(chunk) == CHUNK else b""
        final = not following
        sealed = aead.encrypt(_nonce(prefix, counter), chunk, header + (b"\x01" if final else b"\x00"))
        dst.write(sealed)
        written += len(sealed)
        if final:
            return written
        chunk, counter = following, counter + 1


def read_header(head: bytes) -> tuple[int, bytes, bytes]:
    """(key kind, salt, nonce prefix) of an encrypted backup. :raises DecryptError: not one."""
    if len(head) < HEADER_LEN or not head.startswith(MAGIC):
        raise DecryptError("not an encrypted Anjungan Desa backup")
    kind = head[len(MAGIC)]
    salt = head[len(MAGIC) + 1:len(MAGIC) + 17]
    prefix = head[len(MAGIC) + 17:HEADER_LEN]
    return kind, salt, prefix


def is_encrypted(path: str | os.PathLike) -> bool:
    with open(path, "rb") as fh:
        return fh.read(len(MAGIC)) == MAGIC


def decrypt_stream(src: BinaryIO, dst: BinaryIO, secret: str) -> int:
    """Write the plaintext of an encrypted backup to `dst`; returns its length.

    :raises DecryptError: wrong key, truncated, reordered or altered file (nothing written should then be used).
    """
    header = src.read(HEADER_LEN)
    _kind, salt, prefix = read_header(header)
    aead = AESGCM(derive_key(secret, salt))
    total, counter = 0, 0
    sealed = src.read(CHUNK + TAG)
    while True:
        following = src.read(CHUNK + TAG)
        final = not following
        if len(sealed) < TAG:
            raise DecryptError("the encrypted backup is cut short")
        try:
            plain = aead.decrypt(_nonce(prefix, counter), sealed, header + (b"\x01" if final else b"\x00"))
        except InvalidTag:
            raise DecryptError("cannot decrypt: wrong key (backup_key or village secret), or the file is cut "
                               "short or changed") from None
        dst.write(plain)
        total += len(plain)
        if final:
            return total
        sealed, counter = following, counter + 1


def key_kind(path: str | os.PathLike) -> int:
    with open(path, "rb") as fh:
        return read_header(fh.read(HEADER_LEN))[0]
