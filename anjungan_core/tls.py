"""Certificate pinning on the village LAN: fingerprints as people read them, and HTTPS that trusts one certificate.

The edge's certificate is self-signed (no CA on a village LAN); kiosks, doctor and provisioning pin the SHA-256 of
its DER bytes.
"""
from __future__ import annotations

import hashlib
from typing import Any

import requests
from requests.adapters import HTTPAdapter

HEX = frozenset("0123456789abcdef")


def format_fingerprint(hex_digest: str) -> str:
    """``abcd...`` -> ``AB:CD:...`` (as browsers show it)."""
    digest = hex_digest.replace(":", "").upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def normalise_fingerprint(text: str) -> str:
    """``AB:CD:..``, ``ab cd ..`` or ``sha256:abcd..`` -> ``AB:CD:...``.

    :raises ValueError: unless it is 64 hex digits.
    """
    digest = (text or "").strip().lower().removeprefix("sha256:").replace(":", "").replace(" ", "")
    if len(digest) != 64 or not set(digest) <= HEX:
        raise ValueError("a SHA-256 fingerprint has 64 hex digits (AB:CD:...)")
    return format_fingerprint(digest)


def fingerprint_of_der(der: bytes) -> str:
    """SHA-256 of a DER certificate, ``AB:CD:...``."""
    return format_fingerprint(hashlib.sha256(der).hexdigest())


class PinnedAdapter(HTTPAdapter):
    """HTTPS that trusts exactly one certificate: the one whose DER bytes hash (SHA-256) to ``fingerprint``.

    The CA chain and the host name are not checked (the certificate is self-signed and the edge may be reached by
    address); urllib3 compares the peer certificate's fingerprint during the handshake, before a byte of the
    request (a device token) is sent.
    """

    def __init__(self, fingerprint: str, **kwargs: Any) -> None:
        self.fingerprint = normalise_fingerprint(fingerprint)
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["assert_fingerprint"] = self.fingerprint.replace(":", "").lower()
        super().init_poolmanager(*args, **kwargs)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs["verify"] = False  # no CA check: the fingerprint above is the check
        return super().send(request, **kwargs)


def pinned_session(fingerprint: str = "", **adapter_kwargs: Any) -> requests.Session:
    """A requests session; with ``fingerprint``, every HTTPS call trusts only that certificate."""
    session = requests.Session()
    if fingerprint:
        session.mount("https://", PinnedAdapter(fingerprint, **adapter_kwargs))
    return session
