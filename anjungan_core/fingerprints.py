"""Certificate fingerprints as people read them (``AB:CD:...``): what kiosks, doctor and provisioning pin.

The edge's certificate is self-signed (no CA on a village LAN); its SHA-256 over the DER bytes is the pin. No HTTP
library here: the kiosk checks the pin with the standard library (kiosk/edge_http.py).
"""
from __future__ import annotations

import hashlib

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
