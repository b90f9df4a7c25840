"""What the resident reads when something goes wrong: one sentence for what happened, one for what to do."""

from __future__ import annotations

from datetime import datetime

from anjungan_core.calendar_words import DAYS, MONTHS, zone_label
from kiosk.api_client import ApiError, EdgeUnavailable


def N_(text: str) -> str:
    """Mark a msgid for extraction; translated where it is shown."""
    return text


ERRORS = {
    "invalid_scan": N_("Kartu tidak dapat dibaca. Coba pindai lagi atau ketik NIK Anda."),
    "unknown_resident": N_("Kartu tidak dikenali. Coba pindai lagi atau ketik NIK Anda."),
    "wrong_pin": N_("NIK atau PIN salah. Periksa lalu coba lagi, atau minta bantuan petugas."),
    "locked": N_("Terlalu banyak PIN salah. Tunggu satu menit lalu coba lagi, atau minta bantuan petugas."),
    "invalid_session": N_("Waktu Anda sudah habis. Silakan pindai kartu atau ketik NIK lagi."),
    "pin_required": N_("Untuk surat, ketik PIN Anda atau pindai e-KTP Anda."),
    "service_closed": N_("Layanan ini sedang tutup. Silakan pilih layanan lain atau tanya petugas."),
    "service_full": N_("Nomor antrian untuk layanan ini sudah habis hari ini. Silakan tanya petugas."),
    "unknown_service": N_("Layanan ini sedang tutup. Silakan pilih layanan lain atau tanya petugas."),
    "invalid_fields": N_("Isian surat belum benar. Periksa lalu coba lagi, atau tanya petugas."),
    "invalid_token": N_("Anjungan ini belum terdaftar di kantor desa. Silakan minta bantuan petugas."),
    "rate_limited": N_("Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi."),
}
SPOKEN_PROMPT = N_("Selamat datang di {village}. Untuk nomor antrian, sentuh tombol biru di kiri atas. Untuk surat, pindai kartu Anda, lalu sentuh tombol hijau. Untuk bantuan, tanya petugas di loket.")  # noqa: E501
GENERIC = N_("Maaf, permintaan tidak dapat diproses. Silakan coba lagi atau tanya petugas.")
UNAVAILABLE = N_("Layanan sementara tidak tersedia. Silakan coba lagi sebentar lagi.")

LETTER_STATUS = (
    N_("Belum lengkap"), N_("Sedang diperiksa"), N_("Menunggu tanda tangan"),
    N_("Siap diambil"), N_("Sudah diambil"), N_("Dibatalkan"),
)
TICKET_STATUS = {
    "waiting": N_("Menunggu"), "called": N_("Dipanggil"), "serving": N_("Sedang dilayani"),
    "done": N_("Selesai dilayani"), "no_show": N_("Tidak hadir"), "cancelled": N_("Dibatalkan"),
}
PRINT_FAULTS = {
    "paper_out": N_("Kertas struk habis. Petugas sudah diberi tahu."),
    "offline": N_("Printer struk tidak menyala. Petugas sudah diberi tahu."),
    "error": N_("Struk tidak dapat dicetak. Petugas sudah diberi tahu."),
}
# What happens next with a letter request, by status (receipt, done screen, status screen).
NEXT_STEP_BRING = N_("Menunggu berkas: bawa {documents} ke loket.")
NEXT_STEP = {
    0: N_("Petugas akan memeriksa permohonan Anda. Cek lagi nanti di Cek Status Surat."),
    1: N_("Petugas sedang memeriksa permohonan Anda. Cek lagi nanti."),
    2: N_("Surat menunggu tanda tangan kepala desa. Cek lagi nanti."),
    3: N_("Surat siap. Ambil di loket dengan membawa KTP atau struk ini."),
}
NO_PIN_HINT = N_("Belum punya PIN? Minta di loket.")
WRONG_PIN_AFTER_SCAN = N_("PIN tidak cocok. Belum punya PIN? Minta di loket.")


def error_msgid(exc: Exception) -> str:
    """The msgid that explains ``exc`` to a resident; never a code or a trace."""
    if isinstance(exc, EdgeUnavailable):
        return UNAVAILABLE
    if isinstance(exc, ApiError):
        if exc.status == 429 and exc.code != "locked":
            return ERRORS["rate_limited"]
        return ERRORS.get(exc.code, GENERIC)
    return GENERIC


def letter_status_msgid(status: int) -> str:
    return LETTER_STATUS[status] if 0 <= status < len(LETTER_STATUS) else GENERIC


def date_text(now: datetime, _: object) -> str:
    """``Sabtu, 28 November   10.47 WIB`` in the current language (``_`` is the translate function), ``now`` in the
    village's zone; no year, so it fits beside the village name on a 7-inch panel."""
    zone = zone_label(now)
    return (f"{_(DAYS[now.weekday()])}, {now.day} {_(MONTHS[now.month - 1])}   {now.hour:02d}.{now.minute:02d}"
            + (f" {zone}" if zone else ""))


def next_step(status: int, to_bring: list[str], _: object = lambda text: text) -> str:
    """One sentence on what happens next (``_`` translates; the default keeps the Indonesian, as receipts
    are): while the request waits for documents, which ones to bring to the counter."""
    if status in (0, 1) and to_bring:
        documents = ", ".join(item[:1].lower() + item[1:] if item.startswith("Fotokopi") else item
                              for item in to_bring)
        return _(NEXT_STEP_BRING).format(documents=documents)
    msgid = NEXT_STEP.get(status)
    return _(msgid) if msgid else ""
