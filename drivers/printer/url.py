"""Printer URLs (CONTRACTS.md section 5) into parts, with plain errors for typos."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from drivers.printer.errors import PrinterUrlError
from drivers.printer.schemes import SCHEMES

_VIDPID = re.compile(r"(?:0x)?([0-9a-fA-F]{1,4}):(?:0x)?([0-9a-fA-F]{1,4})")


@dataclass(frozen=True)
class PrinterUrl:
    scheme: str
    target: str  # "VID:PID", a device path, "host", or a directory
    port: int | None = None
    params: dict[str, str] = field(default_factory=dict)

    def int_param(self, name: str, default: int) -> int:
        value = self.params.get(name)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise PrinterUrlError(f"{name}={value!r} harus angka / must be a number") from None

    def float_param(self, name: str, default: float) -> float:
        value = self.params.get(name)
        if value is None:
            return default
        try:
            return float(value)
        except ValueError:
            raise PrinterUrlError(f"{name}={value!r} harus angka / must be a number") from None

    def flag(self, name: str) -> bool:
        return self.params.get(name, "0").lower() in ("1", "true", "yes", "ya", "on")

    def usb_ids(self) -> tuple[int, int]:
        match = _VIDPID.fullmatch(self.target)
        if not match:
            raise PrinterUrlError(
                f"usb:// butuh VID:PID heksadesimal / needs hex VID:PID, e.g. usb://0416:5011, "
                f"not {self.target!r}"
            )
        return int(match.group(1), 16), int(match.group(2), 16)


def parse_printer_url(url: str) -> PrinterUrl:
    """Split a printer URL; :raises PrinterUrlError: for an unknown scheme or a missing part."""
    if not isinstance(url, str) or "://" not in url:
        raise PrinterUrlError(
            f"URL printer tidak valid / invalid printer URL {url!r}; "
            f"use one of {', '.join(s + '://' for s in SCHEMES)}"
        )
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise PrinterUrlError(
            f"skema tidak dikenal / unknown scheme {scheme!r}; "
            f"use one of {', '.join(s + '://' for s in SCHEMES)}"
        )
    params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    if scheme == "tcp":
        if not parts.hostname:
            raise PrinterUrlError("tcp:// butuh alamat / needs a host, e.g. tcp://192.168.1.50:9100")
        try:
            port = parts.port or 9100
        except ValueError:
            raise PrinterUrlError(f"port tidak valid / invalid port in {url!r}") from None
        return PrinterUrl(scheme, parts.hostname, port, params)
    if scheme == "usb":
        return PrinterUrl(scheme, parts.netloc, None, params)
    target = parts.netloc + parts.path
    if not target:
        raise PrinterUrlError(f"{scheme}:// butuh path / needs a path, e.g. {scheme}:///dev/...")
    return PrinterUrl(scheme, target, None, params)
