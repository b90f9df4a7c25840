"""Certificate pinning on the village LAN for requests: HTTPS that trusts one certificate (doctor, provisioning).

The edge's certificate is self-signed (no CA on a village LAN); doctor and provisioning pin the SHA-256 of its DER
bytes (anjungan_core.fingerprints). The kiosk pins it without requests (kiosk/edge_http.py).
"""
from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter

from anjungan_core.fingerprints import normalise_fingerprint


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
