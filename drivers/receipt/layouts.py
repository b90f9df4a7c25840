"""Receipts the kiosk and the counter print, in Indonesian: queue ticket, letter request, PIN slip, test page.

Each function takes plain values and returns a :class:`Receipt`; nothing here knows the paper width.
No receipt carries a full NIK or a full name.
"""

from __future__ import annotations

from datetime import datetime

from anjungan_core.calendar_words import DAYS, MONTHS, zone_label
from drivers.receipt.model import (
    Barcode,
    BigNumber,
    Feed,
    KeyValue,
    ProfileInfo,
    QrCode,
    Receipt,
    Separator,
    Text,
)

LOGO_TEXT = "ANJUNGAN DESA MANDIRI"


def format_datetime(moment: datetime) -> str:
    """``Kamis, 5 Maret 2026 08:15 WIB`` (the time as given: pass the village's local time)."""
    text = f"{DAYS[moment.weekday()]}, {moment.day} {MONTHS[moment.month - 1]} {moment.year} {moment:%H:%M}"
    zone = zone_label(moment)
    return f"{text} {zone}" if zone else text


def format_date(moment: datetime) -> str:
    """``Kamis, 5 Maret 2026``."""
    return f"{DAYS[moment.weekday()]}, {moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def format_time(moment: datetime) -> str:
    """``Pukul 08:15 WIB``."""
    zone = zone_label(moment)
    return f"Pukul {moment:%H:%M}" + (f" {zone}" if zone else "")


def format_short(moment: datetime) -> str:
    """``05/03/2026 08:15 WIB``: fits beside a label on 58 mm paper."""
    zone = zone_label(moment)
    return f"{moment:%d/%m/%Y %H:%M}" + (f" {zone}" if zone else "")


def village_title(village_name: str) -> str:
    name = village_name.strip()
    return name.upper() if name.lower().startswith(("desa ", "kelurahan ")) else f"DESA {name.upper()}"


def _header(receipt: Receipt, village_name: str) -> None:
    receipt.add(
        Text(LOGO_TEXT, align="center"),
        Text(village_title(village_name), bold=True, height=2, align="center"),
        Separator("="),
    )


def queue_ticket_receipt(
    *,
    village_name: str,
    service_code: str,
    service_name: str,
    number: str,
    issued_at: datetime,
    ahead: int,
    estimated_wait_minutes: int,
    track_url: str,
    priority: bool = False,
) -> Receipt:
    """The ticket a resident takes from the kiosk."""
    receipt = Receipt(title=f"tiket {number}")
    _header(receipt, village_name)
    receipt.add(Text("NOMOR ANTRIAN", bold=True, align="center"), BigNumber(number))
    if priority:
        receipt.add(Text("PRIORITAS", bold=True, width=2, align="center"))
    receipt.add(
        Text(f"{service_code} - {service_name}", bold=True, align="center"),
        Text(format_date(issued_at), align="center"),
        Text(format_time(issued_at), align="center"),
        Separator(),
        KeyValue("Di depan Anda", f"{ahead} orang" if ahead > 0 else "tidak ada"),
        KeyValue(
            "Perkiraan tunggu",
            f"+/- {estimated_wait_minutes} menit" if estimated_wait_minutes > 0 else "segera",
        ),
        QrCode(track_url),
        Text("Pindai untuk memantau antrian", align="center"),
        Separator(),
        Text(
            "Tunggu nomor Anda dipanggil di layar dan pengeras suara. Tiket ini tidak memuat data pribadi.",
            align="center",
        ),
    )
    return receipt


def letter_receipt(
    *,
    village_name: str,
    reference: str,
    letter_type_name: str,
    status_label: str,
    requirements: list[str],
    track_url: str,
    created_at: datetime,
    name_masked: str,
    next_step: str = "",
) -> Receipt:
    """The receipt for a letter request taken at the kiosk; ``next_step`` says what happens now
    ("Menunggu berkas: bawa fotokopi KK ke loket.")."""
    receipt = Receipt(title=f"permohonan {reference}")
    _header(receipt, village_name)
    receipt.add(
        Text("TANDA TERIMA PERMOHONAN SURAT", bold=True, align="center"),
        Text(reference, bold=True, width=2, height=2, align="center"),
        Feed(),
        KeyValue("Surat", letter_type_name),
        KeyValue("Pemohon", name_masked),
        KeyValue("Status", status_label),
        KeyValue("Diajukan", format_short(created_at)),
    )
    if next_step:
        receipt.add(Text(next_step, bold=True))
    receipt.add(Separator())
    if requirements:
        receipt.add(Text("Bawa dokumen berikut ke loket:", bold=True))
        receipt.add(*(Text(f"- {item}") for item in requirements))
    else:
        receipt.add(Text("Tidak perlu membawa dokumen tambahan."))
    receipt.add(
        Separator(),
        QrCode(track_url),
        Text("Pindai untuk melihat status permohonan", align="center"),
        Text("Surat ditandatangani dan diserahkan oleh petugas desa.", align="center"),
    )
    return receipt


def pin_slip(
    *, village_name: str, name_masked: str, nik_masked: str, pin: str, issued_at: datetime
) -> Receipt:
    """The slip staff hand a resident with a new PIN."""
    receipt = Receipt(title="slip PIN")
    _header(receipt, village_name)
    receipt.add(
        Text("PIN ANJUNGAN MANDIRI", bold=True, align="center"),
        KeyValue("Nama", name_masked),
        KeyValue("NIK", nik_masked),
        KeyValue("Dibuat", format_short(issued_at)),
        Separator(),
        Text("PIN Anda", align="center"),
        Text(pin, bold=True, width=3, height=3, align="center"),
        Separator(),
        Text(
            "Simpan PIN ini baik-baik dan jangan beri tahu siapa pun. Petugas desa tidak pernah menanyakan "
            "PIN Anda. Ganti PIN di loket bila PIN diketahui orang lain."
        ),
    )
    return receipt


def test_page(*, profile_name: str, width_mm: int) -> Receipt:
    """The technician's test page: profile facts, a character ruler, accented text, a barcode and a QR."""
    receipt = Receipt(title="halaman uji")
    receipt.add(
        Text("HALAMAN UJI PRINTER", bold=True, height=2, align="center"),
        Text("Printer test page", align="center"),
        Separator("="),
        KeyValue("Profil diminta / requested", f"{profile_name} ({width_mm} mm)"),
        ProfileInfo(),
        Separator(),
        Text("1234567890" * 8),
        Text("Normal  ", align="left"),
        Text("Tebal / bold", bold=True),
        Text("Lebar / wide", width=2),
        Text("Tinggi / tall", height=2),
        Text("Rata kanan / right", align="right"),
        Text("Aksara: é è ü ñ ç Ø ± ° - Rp 10.000"),
        Separator(),
        Text("CODE128", align="center"),
        Barcode("ANJUNGAN-DESA"),
        Text("QR", align="center"),
        QrCode("https://anjungan-desa.id/uji?p=" + profile_name),
        Text("Jika QR dan barcode terbaca, printer siap.", align="center"),
    )
    return receipt


test_page.__test__ = False  # type: ignore[attr-defined]  # a receipt layout, not a pytest test
