"""HTTP client for the edge server's kiosk API (CONTRACTS.md section 2).

Blocking calls, each with a timeout; the controller runs them in worker threads. Errors become two exceptions:
:class:`EdgeUnavailable` (no answer, a timeout, or a server fault: try later) and :class:`ApiError` (the server
answered with a JSON error: show its meaning to the resident).
"""

from __future__ import annotations

import logging
from typing import Any

import requests

log = logging.getLogger(__name__)


class ApiError(Exception):
    """The edge server refused the request with ``{"error": {"code", "message"}}``."""

    def __init__(self, status: int, code: str, message: str = "") -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class EdgeUnavailable(Exception):
    """The edge server did not answer in time, could not be reached, or failed on its side (5xx)."""


class EdgeClient:
    """One kiosk's view of the edge server: a base URL, its device token and a timeout per call."""

    def __init__(self, base_url: str, token: str, timeout: float = 8.0,
                 session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/") + "/api/v1"
        self.token = token
        self.timeout = (min(3.0, timeout), timeout)  # connect, read
        self.http = session or requests.Session()

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
        try:
            response = self.http.request(method, self.base_url + path, json=body, headers=sent,
                                         timeout=self.timeout)
        except requests.RequestException as exc:
            raise EdgeUnavailable(f"{method} {path}: {type(exc).__name__}") from exc
        if response.status_code >= 500:
            raise EdgeUnavailable(f"{method} {path}: HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError:
            raise EdgeUnavailable(f"{method} {path}: answer is not JSON (HTTP {response.status_code})") from None
        if response.status_code >= 400:
            error = data.get("error", {}) if isinstance(data, dict) else {}
            raise ApiError(response.status_code, str(error.get("code", "error")), str(error.get("message", "")))
        return response.status_code, data

    def health(self) -> dict[str, Any]:
        """``{"status", "version", "village": {"code", "name"}}``."""
        return self._call("GET", "/health")[1]

    def heartbeat(self, version: str, printer: dict[str, Any], scanner: dict[str, Any]) -> None:
        """Report this kiosk's version and device state so staff see faults."""
        self._call("POST", "/devices/heartbeat", {"version": version, "printer": printer, "scanner": scanner})

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
        """The self-service letter types with their fields and required documents."""
        return self._call("GET", "/letter-types", session=session)[1]["letter_types"]

    def create_letter(self, letter_type: str, fields: dict[str, str], session: str) -> dict[str, Any]:
        """Request a letter for the identified resident; ``{"letter": L, "ticket": T or None}``."""
        return self._call("POST", "/letters", {"type": letter_type, "fields": fields}, session=session)[1]

    def letters(self, session: str) -> list[dict[str, Any]]:
        """The identified resident's letter requests."""
        return self._call("GET", "/letters", session=session)[1]["letters"]

    def info(self) -> dict[str, Any]:
        """Village profile, announcements and office hours (``GET /api/v1/info``)."""
        return self._call("GET", "/info")[1]
