"""The few edge server calls provisioning and doctor make (CONTRACTS.md section 2). Tokens never reach a log."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests

from anjungan_core.tls import pinned_session
from provisioning.target import ProvisioningError

TIMEOUT = 10.0


class EdgeCertificateMismatch(ProvisioningError):
    """The edge server presented a certificate other than the pinned one."""


class EdgeUnreachable(ProvisioningError):
    """No answer from the edge server (wrong address, server down, no network)."""


@dataclass(frozen=True)
class EdgeAnswer:
    status: int
    body: dict[str, Any]

    @property
    def error_code(self) -> str:
        error = self.body.get("error")
        return str(error.get("code", "")) if isinstance(error, dict) else ""

    @property
    def error_message(self) -> str:
        error = self.body.get("error")
        return str(error.get("message", "")) if isinstance(error, dict) else ""


def _call(method: str, edge_url: str, path: str, *, token: str = "", json: dict[str, Any] | None = None,
          timeout: float = TIMEOUT, fingerprint: str = "") -> EdgeAnswer:
    url = edge_url.rstrip("/") + "/api/v1" + path
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with pinned_session(fingerprint) as session:
            response = session.request(method, url, json=json, headers=headers, timeout=timeout,
                                       allow_redirects=False)
    except requests.exceptions.SSLError as exc:
        if fingerprint and "fingerprint" in str(exc).lower():
            raise EdgeCertificateMismatch(
                f"sertifikat server edge BERBEDA dari yang disematkan / the edge server's certificate is NOT the "
                f"pinned one ({fingerprint}); jika server edge dipasang ulang, berikan --edge-fingerprint baru / "
                f"if the edge was set up again, pass its new --edge-fingerprint") from None
        raise EdgeUnreachable(f"TLS gagal / TLS failed with {edge_url}: sertifikat tidak dipercaya / certificate "
                              f"not trusted; berikan / pass --edge-fingerprint") from None
    except requests.RequestException as exc:
        raise EdgeUnreachable(f"server edge tidak terjangkau / edge server not reachable at {edge_url}: "
                              f"{type(exc).__name__}") from None
    location = response.headers.get("Location", "")
    if response.status_code in (301, 308) and location.startswith("https://"):
        https_base = location.split("/api/v1", 1)[0]
        raise EdgeUnreachable(f"server edge memakai HTTPS / the edge server uses HTTPS: pakai / use --edge-url "
                              f"{https_base}")
    try:
        body = response.json()
    except ValueError:
        body = {}
    return EdgeAnswer(response.status_code, body if isinstance(body, dict) else {})


def health(edge_url: str, timeout: float = TIMEOUT, fingerprint: str = "") -> dict[str, Any]:
    """``GET /api/v1/health``. :raises EdgeUnreachable: when it does not answer 200."""
    answer = _call("GET", edge_url, "/health", timeout=timeout, fingerprint=fingerprint)
    if answer.status != 200:
        raise EdgeUnreachable(f"server edge menjawab / edge server answered HTTP {answer.status} at {edge_url}")
    return answer.body


def wait_for_edge(edge_url: str, seconds: float, say: Any = print, fingerprint: str = "") -> None:
    """Wait up to ``seconds`` for the edge server to answer (first boot: network and server still starting)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            health(edge_url, fingerprint=fingerprint)
            return
        except EdgeUnreachable:
            if time.monotonic() >= deadline:
                raise
            say(f"  menunggu server edge / waiting for the edge server at {edge_url} ...")
            time.sleep(min(10.0, max(0.5, deadline - time.monotonic())))


def token_works(edge_url: str, token: str, fingerprint: str = "") -> bool:
    """Whether the device token is accepted (``GET /api/v1/services``, which changes nothing).

    :raises EdgeUnreachable: when the server cannot say (no answer, or an answer other than 200/401/403).
    """
    if not token:
        return False
    answer = _call("GET", edge_url, "/services", token=token, fingerprint=fingerprint)
    if answer.status == 200:
        return True
    if answer.status in (401, 403):
        return False
    raise EdgeUnreachable(f"server edge menjawab / edge server answered HTTP {answer.status} "
                          f"({answer.error_code or 'no error code'})")


_PAIR_REASONS = {
    401: "Kode pemasangan salah, sudah dipakai, atau kedaluwarsa. Buat kode baru di konsol staf "
         "(Perangkat). / The pairing code is wrong, used or expired; make a new one in the staff console.",
    429: "Terlalu banyak percobaan; tunggu 10 menit. / Too many tries; wait 10 minutes.",
}


def _pair_failure(answer: EdgeAnswer, what: str) -> ProvisioningError:
    reason = _PAIR_REASONS.get(answer.status, f"HTTP {answer.status}")
    server_words = f" (server: {answer.error_code}: {answer.error_message})" if answer.error_code else ""
    return ProvisioningError(f"{what}: {reason}{server_words}")


def check_pairing_code(edge_url: str, code: str, fingerprint: str = "") -> dict[str, Any]:
    """Whether the code would pair now, without using it (``POST /api/v1/devices/pair/check``).

    :returns: ``{"valid": True, "kind", "expires_at"}``. :raises ProvisioningError: as `pair` does.
    """
    answer = _call("POST", edge_url, "/devices/pair/check", json={"code": code}, fingerprint=fingerprint)
    if answer.status == 200 and answer.body.get("valid") is True:
        return answer.body
    if answer.status == 404:
        raise ProvisioningError("server edge versi lama tidak bisa memeriksa kode tanpa memakainya / an older edge "
                                "server cannot check a code without using it; perbarui server edge / update it")
    raise _pair_failure(answer, "kode pemasangan ditolak / pairing code refused")


def pair(edge_url: str, code: str, name: str, fingerprint: str = "") -> str:
    """Exchange a one-time pairing code for a device token.

    :raises ProvisioningError: with the server's own words for a wrong or used code, or too many tries.
    """
    answer = _call("POST", edge_url, "/devices/pair", json={"code": code, "name": name}, fingerprint=fingerprint)
    token = answer.body.get("token")
    if answer.status == 201 and isinstance(token, str) and token:
        return token
    raise _pair_failure(answer, "pemasangan gagal / pairing failed")
