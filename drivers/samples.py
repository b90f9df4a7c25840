"""Sample receipts for ``print-test``, the demo and the benchmarks (made-up data, no real person)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from anjungan_core.nik import mask_name, mask_nik
from drivers.receipt import Receipt, letter_receipt, pin_slip, queue_ticket_receipt, test_page

WIB = timezone(timedelta(hours=7), "WIB")
SAMPLES = ("queue", "letter", "pin", "test")
SAMPLE_TRACK_URL = "http://127.0.0.1:8080/t/q7Xk2mP9vR4sT8wYzB3nC6dF1gH5jL0a"


def sample_receipt(
    kind: str, *, profile_name: str = "58mm", width_mm: int = 58, now: datetime | None = None
) -> Receipt:
    """A sample receipt of ``kind`` (``queue``, ``letter``, ``pin`` or ``test``)."""
    now = now or datetime.now(WIB)
    if kind == "queue":
        return queue_ticket_receipt(
            village_name="Mojowarno",
            service_code="A",
            service_name="Administrasi Kependudukan",
            number="A-012",
            issued_at=now,
            ahead=3,
            estimated_wait_minutes=15,
            track_url=SAMPLE_TRACK_URL,
        )
    if kind == "letter":
        return letter_receipt(
            village_name="Mojowarno",
            reference="SRT-2026-0042",
            letter_type_name="Surat Keterangan Domisili",
            status_label="Sedang diperiksa",
            requirements=["Surat Pengantar RT/RW", "Fotokopi KK", "Fotokopi KTP"],
            track_url="http://127.0.0.1:8080/s/Zp4Lq8Vn2Rt6Xw0Yb5Mc9Kd3Jf7Hg1s",
            created_at=now,
            name_masked=mask_name("Budi Santoso"),
        )
    if kind == "pin":
        return pin_slip(
            village_name="Mojowarno",
            name_masked=mask_name("Siti Aminah"),
            nik_masked=mask_nik("3317094503900001"),
            pin="482915",
            issued_at=now,
        )
    if kind == "test":
        return test_page(profile_name=profile_name, width_mm=width_mm)
    raise ValueError(f"unknown sample {kind!r}; use one of {', '.join(SAMPLES)}")
