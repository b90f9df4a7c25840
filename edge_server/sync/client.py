"""Talking to the district hub over HTTP: one signed request in, one typed outcome out."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import requests

from .signing import signed_headers

BATCHES_PATH = "/api/v1/sync/batches"
CONFIG_PATH = "/api/v1/sync/config"


@dataclass(frozen=True)
class Acked:
    acked_through: int
    stored: int = 0
    duplicates: int = 0


@dataclass(frozen=True)
class ClockSkew:
    server_time: float


@dataclass(frozen=True)
class SeqConflict:
    acked_through: int
    conflict_seq: int | None = None


@dataclass(frozen=True)
class Failed:
    """Anything else: no answer, a 5xx, or a refusal; `reason` is words for the console (never a secret)."""

    reason: str
    status: int | None = None


@dataclass(frozen=True)
class DistrictConfig:
    not_modified: bool
    etag: str = ""
    announcements: list = field(default_factory=list)


Outcome = Acked | ClockSkew | SeqConflict | Failed


class DistrictClient:
    """Signed requests to one district hub for one village.

    :param clock_offset: seconds added to our clock when stamping requests (learned from a clock_skew answer).
    """

    def __init__(self, base_url: str, village: str, secret: str, *, timeout: float = 30.0,
                 session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.village = village
        self.secret = secret
        self.timeout = timeout
        self.session = session or requests.Session()
        from anjungan_core.version import running_version

        self.version = running_version()  # reported to the hub, shown on its overview

    def _stamp(self, clock_offset: float) -> int:
        return int(time.time() + clock_offset)

    def send_batch(self, body: bytes, clock_offset: float = 0.0) -> Outcome:
        """POST one gzip-compressed batch body (already compressed) and classify the answer."""
        headers = signed_headers(self.village, self.secret, self._stamp(clock_offset), body, gzipped=True)
        headers["X-Anjungan-Edge-Version"] = self.version
        try:
            response = self.session.post(self.base_url + BATCHES_PATH, data=body, headers=headers,
                                         timeout=(min(5.0, self.timeout), self.timeout))
        except requests.RequestException as exc:
            return Failed(f"tidak tersambung ke kabupaten ({type(exc).__name__})")
        return classify(response.status_code, _json(response))

    def fetch_config(self, etag: str = "", clock_offset: float = 0.0) -> DistrictConfig | ClockSkew | Failed:
        """GET the village's district configuration (announcements); 304 when the ETag still matches."""
        headers = signed_headers(self.village, self.secret, self._stamp(clock_offset), b"")
        headers["X-Anjungan-Edge-Version"] = self.version
        if etag:
            headers["If-None-Match"] = etag
        try:
            response = self.session.get(self.base_url + CONFIG_PATH, headers=headers,
                                        timeout=(min(5.0, self.timeout), self.timeout))
        except requests.RequestException as exc:
            return Failed(f"tidak tersambung ke kabupaten ({type(exc).__name__})")
        if response.status_code == 304:
            return DistrictConfig(not_modified=True, etag=etag)
        body = _json(response)
        if response.status_code != 200:
            outcome = classify(response.status_code, body)
            return outcome if isinstance(outcome, (ClockSkew, Failed)) else Failed(
                f"konfigurasi kabupaten gagal (HTTP {response.status_code})", response.status_code)
        if not isinstance(body.get("announcements"), list):
            return Failed(f"konfigurasi kabupaten gagal (HTTP {response.status_code})", response.status_code)
        return DistrictConfig(not_modified=False, etag=response.headers.get("ETag", ""),
                              announcements=body["announcements"])


def _json(response: requests.Response) -> dict:
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


def classify(status: int, body: dict) -> Outcome:
    """Map the hub's answer to an outcome (pure)."""
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    code = error.get("code", "")
    if status == 200 and isinstance(body.get("acked_through"), int):
        return Acked(body["acked_through"], int(body.get("stored", 0)), int(body.get("duplicates", 0)))
    if status == 401 and code == "clock_skew" and isinstance(body.get("server_time"), (int, float)):
        return ClockSkew(float(body["server_time"]))
    if status == 409 and code == "seq_conflict" and isinstance(body.get("acked_through"), int):
        conflict = body.get("conflict_seq")
        return SeqConflict(body["acked_through"], conflict if isinstance(conflict, int) else None)
    words = {401: "tanda tangan ditolak kabupaten (rahasia desa salah?)",
             403: "desa tidak terdaftar atau dicabut di kabupaten",
             400: "kiriman ditolak kabupaten sebagai tidak sah",
             413: "kiriman terlalu besar untuk kabupaten"}
    if status in words:
        return Failed(f"{words[status]} (HTTP {status} {code})".replace(" )", ")"), status)
    return Failed(f"server kabupaten bermasalah (HTTP {status})", status)
