"""Links residents can take home: each configured link as a QR code (SVG for screens, PNG for anything that
wants a picture) and as receipt data the kiosk prints through drivers.receipt."""
from __future__ import annotations

import io
from urllib.parse import urlsplit

import segno

MAX_URL = 1000


class LinkError(ValueError):
    """Not a link we put in a QR code."""


def check_link(url: str) -> str:
    """An http(s) URL with a host, trimmed.

    :raises LinkError: another scheme (javascript:, file:, ...), no host, too long, or spaces inside.
    """
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or len(url) > MAX_URL or " " in url:
        raise LinkError(url[:80])
    return url


def qr_svg(url: str, scale: int = 4) -> str:
    """A standalone SVG QR code of `url` (with its namespace, no XML declaration, a quiet zone of 4)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", xmldecl=False, svgns=True, scale=scale,
                                                  border=4, dark="#000", light="#fff")
    return out.getvalue().decode()


def qr_png(url: str, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def receipt_lines(title: str, url: str, description: str = "") -> dict:
    """What the kiosk prints for a link: a heading, a line of text, a QR payload and the URL written out.

    Maps one to one onto drivers.receipt: Text(title, bold, center), Text(description), QrCode(qr), Text(url).
    """
    return {"title": title, "text": description, "qr": url, "url": url}
