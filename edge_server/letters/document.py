"""The printable letter: what goes on the page (context for templates/staff/letter_print.html), its QR code,
the village logo, and a PDF rendered by headless Chromium from the same HTML."""
from __future__ import annotations

import base64
import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import segno
from markupsafe import Markup

from anjungan_core.calendar_words import indonesian_date

from ..clock import Clock
from ..cpu_pinning import released
from ..models import LetterRequest, VillageProfile
from ..residents import row_rules
from ..residents.opensid_codes import display_label
from . import rules
from .service import field_values

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Paper:
    name: str
    width_mm: int
    height_mm: int


PAPERS = {"a4": Paper("A4", 210, 297), "f4": Paper("F4", 215, 330)}
LOGO_NAMES = ("logo.png", "logo.svg", "logo.jpg")
_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}
SEX_WORDS = {"L": "Laki-laki", "P": "Perempuan"}


class PdfUnavailable(RuntimeError):
    """Chromium is missing or failed; the message says what happened."""


def paper(name: str | None) -> Paper:
    return PAPERS.get((name or "a4").lower(), PAPERS["a4"])


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code (no CDN, no image file)."""
    # omitsize: a viewBox instead of width/height, so CSS sizes it without clipping; border 4 = the quiet zone
    return Markup(segno.make(url, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff",
                                                        omitsize=True))


def logo_path(data_dir: str | Path) -> Path | None:
    for name in LOGO_NAMES:
        path = Path(data_dir) / name
        if path.is_file():
            return path
    return None


def logo_data_uri(data_dir: str | Path) -> str | None:
    """The village logo (DATA_DIR/logo.png|svg|jpg) as a data: URI, so the page and the PDF need no other file."""
    path = logo_path(data_dir)
    if path is None:
        return None
    return f"data:{_MIME[path.suffix]};base64,{base64.b64encode(path.read_bytes()).decode()}"


def address_line(resident) -> str:
    """`Jl. Melati, RT 002/RW 001, Dusun Krajan`; OpenSID's `-` and a missing RT or RW are left out (values
    stored before the import cleaned them are cleaned here too)."""
    address = row_rules.blank(resident.address or "")
    rt, rw = row_rules.padded_number(resident.rt or ""), row_rules.padded_number(resident.rw or "")
    dusun = row_rules.dusun_name(resident.dusun or "")
    parts = [address] if address else []
    if rt and rw:
        parts.append(f"RT {rt}/RW {rw}")
    elif rt or rw:
        parts.append(f"RT {rt}" if rt else f"RW {rw}")
    if dusun and dusun.lower() not in address.lower():
        parts.append(f"Dusun {dusun}")
    return ", ".join(parts) or "-"


def identity_rows(resident) -> list[tuple[str, str]]:
    """The identity block every letter prints, with labels for OpenSID codes ("Pekerjaan: Wiraswasta", never
    "Pekerjaan: 88")."""
    birth = ", ".join(x for x in (row_rules.blank(resident.birth_place or ""),
                                  indonesian_date(resident.birth_date) if resident.birth_date else "") if x)
    return [
        ("Nama", resident.name), ("NIK", resident.nik), ("Tempat/Tanggal Lahir", birth or "-"),
        ("Jenis Kelamin", SEX_WORDS.get(resident.sex, resident.sex or "-")),
        ("Agama", display_label("religion", resident.religion) or "-"),
        ("Pekerjaan", display_label("occupation", resident.occupation) or "-"),
        ("Alamat", address_line(resident)), ("No. KK", row_rules.blank(resident.no_kk or "") or "-"),
    ]


def letter_context(letter: LetterRequest, clock: Clock, base_url: str, chosen: Paper,
                   logo: str | None) -> dict:
    """Everything the letter page shows, as plain values; the template adds only layout."""
    profile = VillageProfile.select().first()
    resident = letter.resident
    letter_type = letter.letter_type
    day = clock.local(letter.numbered_at).date() if letter.numbered_at else clock.business_date()
    village = {"desa": profile.name, "kecamatan": profile.kecamatan, "kabupaten": profile.kabupaten}
    body = rules.render_body(letter_type.template, {**field_values(letter), **village})
    until = rules.valid_until(day, letter_type.validity_days)
    verification_url = f"{base_url}/verifikasi/{letter.verification_code}" if letter.verification_code else None
    return {
        "paper": chosen,
        "village": profile,
        "logo": logo,
        "title": letter_type.name.upper(),
        "number": letter.letter_number,
        "identity": identity_rows(resident),
        "paragraphs": [p for p in body.split("\n") if p.strip()],
        "valid_until": indonesian_date(until) if until else None,
        "place_date": f"{profile.name}, {indonesian_date(day)}",
        "signer_title": f"{profile.head_title or 'Kepala Desa'} {profile.name}",
        "signer_name": profile.head_name,
        "verification_url": verification_url,
        "qr": qr_svg(verification_url) if verification_url else None,
        "draft": letter.letter_number is None,
        "cancelled": letter.status == rules.CANCELLED,
    }


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def render_pdf(html: str, timeout: float = 90.0) -> bytes:
    """Print the letter's HTML (self-contained: inline CSS, SVG, data: logo) to PDF with headless Chromium.

    :raises PdfUnavailable: when Chromium is not installed, fails or takes too long.
    """
    binary = chromium_path()
    if binary is None:
        raise PdfUnavailable("chromium is not installed")
    with tempfile.TemporaryDirectory(prefix="anjungan-pdf-") as tmp:
        page = Path(tmp) / "letter.html"
        out = Path(tmp) / "letter.pdf"
        page.write_text(html, encoding="utf-8")
        command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--no-first-run", f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", page.as_uri()]
        try:
            with released():  # Chromium may use every core, not only this worker's
                result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise PdfUnavailable("chromium took too long") from None
        if not out.is_file() or out.stat().st_size == 0:
            log.warning("chromium PDF failed (exit %s): %s", result.returncode, result.stderr[-300:])
            raise PdfUnavailable(f"chromium exited with {result.returncode}")
        return out.read_bytes()
