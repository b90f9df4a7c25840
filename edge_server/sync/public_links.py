"""What the district hub needs to show a ticket, a letter request or an issued letter on its public pages (pure).

The hub never receives a tracking token or a verification code: only `token_digest(token)`, so its database
(and its event log) cannot be turned into working links. A phone opening `<hub>/t/<token>` is looked up by the
same digest. The name travels masked (`B**i S*****o`), never in full; no NIK at all.
"""
from __future__ import annotations

import base64
import hashlib
from datetime import date

from anjungan_core.nik import mask_name


def token_digest(token: str) -> str:
    """SHA-256 of a public token, base64url without padding (43 characters; never 16 digits in a row)."""
    digest = hashlib.sha256(token.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def verification_data(letter_id: str, code: str, letter_number: str, type_code: str, type_name: str,
                      issued_on: date, valid_until: date | None, cancelled: bool, resident_name: str) -> dict:
    """The `letter.verification` event: what a recipient institution sees on the hub's /verifikasi page."""
    return {"letter_id": letter_id, "verification_hash": token_digest(code), "letter_number": letter_number,
            "type": type_code, "type_name": type_name, "issued_on": issued_on.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
            "status": "cancelled" if cancelled else "valid", "name_masked": mask_name(resident_name)}
