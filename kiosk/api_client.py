"""HTTP client for the edge server's kiosk API (CONTRACTS.md section 2).

Blocking calls, each with a timeout; the controller runs them in worker threads. Errors become two exceptions:
:class:`EdgeUnavailable` (no answer, a timeout, or a server fault: try later) and :class:`ApiError` (the server
answered with a JSON error: show its meaning to the resident).

An edge server on HTTPS has its own self-signed certificate: the kiosk pins the SHA-256 fingerprint of that
certificate (``edge_fingerprint`` in kiosk.toml, stored by `provisioning kiosk`) and refuses any other one,
whatever CA signed it (:mod:`kiosk.edge_http`).
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from typing import Any

from anjungan_core.fingerprints import normalise_fingerprint
from kiosk.edge_http import CertificateMismatch, EdgeHTTP, TransportError

log = logging.getLogger(__name__)
CLOCK_WARN_SECONDS = 60


class ApiError(Exception):
    """The edge server refused the request with ``{"error": {"code", "message"}}``."""

    def __init__(self, status: int, code: str, message: str = "") -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class EdgeUnavailable(Exception):
    """The edge server did not answer in time, could not be reached, or failed on its side (5xx)."""


class EdgeCertificateError(EdgeUnavailable):
    """The edge server's certificate is not the pinned one (another server, or the edge got a new certificate)."""


class EdgeClient:
    """One kiosk's view of the edge server: a base URL, its device token and a timeout per call."""

    def __init__(self, base_url: str, token: str, timeout: float = 8.0, fingerprint: str = "") -> None:
        self.base_url = base_url.rstrip("/") + "/api/v1"
        self.token = token
        self.fingerprint = normalise_fingerprint(fingerprint) if fingerprint else ""
        self.http = EdgeHTTP(connect_timeout=min(3.0, timeout), read_timeout=timeout, pin=self.fingerprint)
        self.clock_offset: float | None = None  # edge time minus ours, seconds, from the last heartbeat
        self._clock_warned_at: float | None = None

    def _call(self, method: str, path: str, body: dict | None = None, session: str | None = None,
              headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        """Send one request; return (status, JSON body).

        :raises EdgeUnavailable: on a connection error, a timeout, a 5xx or a non-JSON answer.
        :raises ApiError: on a 4xx JSON error.
        """
        sent = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if session:
            sent["X-Kiosk-Session"] = session
        sent.update(headers or {})
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        try:
            status, answer = self.http.request(method, self.base_url + path, payload, sent)
        except CertificateMismatch as exc:
            raise EdgeCertificateError(
                f"{method} {path}: the edge server's certificate is not the pinned one "
                f"({self.fingerprint[:23]}...); if the edge got a new certificate, run "
                f"`provisioning kiosk --edge-fingerprint NEW`") from exc
        except TransportError as exc:
            raise EdgeUnavailable(f"{method} {path}: {exc}") from exc
        if status >= 500:
            raise EdgeUnavailable(f"{method} {path}: HTTP {status}")
        try:
            data = json.loads(answer)
        except ValueError:
            raise EdgeUnavailable(f"{method} {path}: answer is not JSON (HTTP {status})") from None
        if status >= 400:
            error = data.get("error", {}) if isinstance(data, dict) else {}
            raise ApiError(status, str(error.get("code", "error")), str(error.get("message", "")))
        return status, data

    def health(self) -> dict[str, Any]:
        """``{"status", "version", "village": {"code", "name"}}``."""
        return self._call("GET", "/health")[1]

    def heartbeat(self, version: str, printer: dict[str, Any], scanner: dict[str, Any]) -> None:
        """Report this kiosk's version and device state so staff see faults; check our clock against the edge's."""
        answer = self._call("POST", "/devices/heartbeat",
                            {"version": version, "printer": printer, "scanner": scanner})[1]
        self.check_clock(answer.get("server_time"))

    def check_clock(self, server_time: object, now: float | None = None) -> float | None:
        """Compare the edge's ``server_time`` (ISO 8601 with offset) with our clock; warn (at most every 10
        minutes) when they differ by more than a minute. Tickets and letters take the edge's time, so this only
        tells the technician. :returns: the offset in seconds (edge minus kiosk), or None when unknown."""
        if not isinstance(server_time, str):
            return None
        try:
            edge = datetime.fromisoformat(server_time)
        except ValueError:
            return None
        if edge.tzinfo is None:
            return None
        now = time.time() if now is None else now
        self.clock_offset = edge.timestamp() - now
        quiet = self._clock_warned_at is not None and time.monotonic() - self._clock_warned_at < 600
        if abs(self.clock_offset) > CLOCK_WARN_SECONDS and not quiet:
            self._clock_warned_at = time.monotonic()
            log.warning("kiosk clock is %+.0f s off the edge server's (edge %s); the kiosk shows the edge's time, "
                        "check `timedatectl`", -self.clock_offset, server_time)
        return self.clock_offset

    def services(self) -> list[dict[str, Any]]:
        """The services with their open state, queue length and estimated wait."""
        return self._call("GET", "/services")[1]["services"]

    def take_ticket(self, service: str, priority: bool, idempotency_key: str,
                    session: str | None = None) -> dict[str, Any]:
        """Take a queue ticket; the same key again returns the same ticket instead of a new one."""
        return self._call("POST", "/tickets", {"service": service, "priority": priority}, session=session,
                          headers={"Idempotency-Key": idempotency_key})[1]["ticket"]

    def report_print(self, ticket_id: str, printed: bool, error: str = "") -> None:
        """Tell the edge server whether the ticket's receipt printed (failed ones are marked for reprint)."""
        self._call("POST", f"/tickets/{ticket_id}/printed", {"printed": printed, "error": error})

    def ticket(self, ticket_id: str) -> dict[str, Any]:
        """One ticket by id."""
        return self._call("GET", f"/tickets/{ticket_id}")[1]["ticket"]

    def identify_scan(self, raw: str) -> dict[str, Any]:
        """Identify from raw scanner text (NIK barcode, RFID UID, QR)."""
        return self._call("POST", "/identify", {"scan": raw})[1]

    def identify_pin(self, nik: str, pin: str) -> dict[str, Any]:
        """Identify from a typed or scanned NIK and the resident's PIN (a ``full`` session)."""
        return self._call("POST", "/identify", {"nik": nik, "pin": pin})[1]

    def letter_types(self, session: str | None = None) -> list[dict[str, Any]]:
        """The self-service letter types with their fields and required documents; ``detail=1`` asks for each
        type's one-line description and the common purposes as ``choices`` (an older edge just leaves them out)."""
        return self._call("GET", "/letter-types?detail=1", session=session)[1]["letter_types"]

    def create_letter(self, letter_type: str, fields: dict[str, str], session: str) -> dict[str, Any]:
        """Request a letter for the identified resident; ``{"letter": L, "ticket": T or None}``."""
        return self._call("POST", "/letters?detail=1", {"type": letter_type, "fields": fields}, session=session)[1]

    def letters(self, session: str) -> list[dict[str, Any]]:
        """The identified resident's letter requests (with ``to_bring``: documents still to show at the counter)."""
        return self._call("GET", "/letters?detail=1", session=session)[1]["letters"]

    def info(self) -> dict[str, Any]:
        """Village profile, announcements and office hours (``GET /api/v1/info``)."""
        return self._call("GET", "/info")[1]

    def cameras(self) -> list[dict[str, Any]]:
        """The public cameras with the edge's cached picture of each (``GET /api/v1/cameras``)."""
        return self._call("GET", "/cameras")[1]["cameras"]

    def links(self) -> list[dict[str, Any]]:
        """Links residents can take home as a QR code, with their receipt data (``GET /api/v1/links``)."""
        return self._call("GET", "/links")[1]["links"]

    def survey(self) -> dict[str, Any]:
        """The satisfaction question, its five scores and the improvement topics."""
        return self._call("GET", "/survey")[1]

    def answer_survey(self, score: int, improve: str = "") -> None:
        """Send one anonymous answer: never a session, a NIK or a ticket (the resident stays unknown)."""
        self._call("POST", "/survey", {"score": score, "improve": improve})

    def picture(self, url: str, max_bytes: int = 4 * 1024 * 1024) -> bytes:
        """The bytes of a ``/media`` picture (a signed URL: no token is sent with it).

        :raises EdgeUnavailable: no answer, not a 200, or larger than ``max_bytes``.
        """
        try:
            status, data = self.http.request("GET", url, max_bytes=max_bytes)
        except TransportError as exc:
            raise EdgeUnavailable(f"GET picture: {exc}") from exc
        if status != 200:
            raise EdgeUnavailable(f"GET picture: HTTP {status}")
        return data
