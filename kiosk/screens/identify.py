"""Identify: scan a card, or type the NIK and then the PIN on a numeric keypad."""

from __future__ import annotations

from typing import Any

from kivy.properties import OptionProperty, StringProperty

from anjungan_core.nik import looks_like_permanent_nik
from kiosk.api_client import ApiError
from kiosk.messages import N_, WRONG_PIN_AFTER_SCAN, error_msgid
from kiosk.models import Resident
from kiosk.screens import KioskScreen

PIN_MIN, PIN_MAX = 4, 8
PIN_AFTER_SCAN = N_("Kartu Anda terbaca. Untuk surat, ketik PIN Anda.")


class IdentifyScreen(KioskScreen):
    """Leads to ``target`` (letters or status) once the resident has a full session."""

    title = N_("Kenali Diri Anda")
    mode = OptionProperty("nik", options=["nik", "pin"])
    message = StringProperty("")  # what went wrong (red)
    notice = StringProperty("")  # an instruction in place of the usual one (ink, not red)
    shown = StringProperty("")
    target = StringProperty("letters")
    nik = ""
    scanned = False  # the NIK came from a card, so a refused PIN is not "NIK atau PIN salah"

    def enter(self, target: str | None = None, **kwargs: Any) -> None:
        self.target = target or self.app.pending_target or "letters"
        self.message = ""
        resident = self.app.controller.resident
        if resident and resident.nik and not resident.full:
            self._ask_pin(resident.nik, notice=PIN_AFTER_SCAN, scanned=True)
        else:
            self._ask_nik("")

    def _ask_nik(self, msgid: str) -> None:
        self.mode = "nik"
        self.nik = ""
        self.scanned = False
        self.notice = ""
        self.ids.keypad.value = ""
        self.message = self.app.tr._(msgid) if msgid else ""

    def _ask_pin(self, nik: str, msgid: str = "", notice: str = "", scanned: bool | None = None) -> None:
        """The PIN keypad; ``msgid`` is an error (red), ``notice`` an instruction (ink)."""
        self.nik = nik
        self.mode = "pin"
        if scanned is not None:
            self.scanned = scanned
        if notice or scanned is not None:
            self.notice = self.app.tr._(notice) if notice else ""
        self.ids.keypad.value = ""
        self.message = self.app.tr._(msgid) if msgid else ""

    def on_kv_post(self, base_widget: Any) -> None:
        self.ids.keypad.bind(value=self._show)
        self.ids.keypad.on_ok = self.keypad_ok

    def _show(self, keypad: Any, value: str) -> None:
        if keypad.secret:
            self.shown = "\u2022 " * len(value)
        else:
            self.shown = " ".join(value[i:i + 4] for i in range(0, len(value), 4))
        if value:
            self.message = ""

    def on_mode(self, *_: Any) -> None:
        keypad = self.ids.keypad
        keypad.secret = self.mode == "pin"
        keypad.max_length = 16 if self.mode == "nik" else PIN_MAX
        self._show(keypad, keypad.value)

    def keypad_ok(self, value: str) -> None:
        _ = self.app.tr._
        if self.mode == "nik":
            if not looks_like_permanent_nik(value):
                self.message = _("NIK harus 16 angka. Periksa lalu coba lagi.")
                return
            self._ask_pin(value, scanned=False)
        elif len(value) < PIN_MIN:
            self.message = _("PIN terlalu pendek. Ketik semua angka PIN Anda.")
        else:
            self.app.identify_pin(self.nik, value)

    def start_over(self) -> None:
        self._ask_nik("")

    def identified(self, resident: Resident) -> None:
        """Called by the app for a scan or a PIN accepted while this screen is shown."""
        if resident.full:
            target, self.app.pending_target = self.target, None
            self.app.go(target, remember=False, keep_notice=True)
        elif resident.nik:
            self._ask_pin(resident.nik, notice=PIN_AFTER_SCAN, scanned=True)
        else:
            self._ask_nik(N_("Untuk surat, ketik NIK lalu PIN Anda, atau pindai e-KTP Anda."))

    def identify_failed(self, exc: Exception) -> None:
        code = exc.code if isinstance(exc, ApiError) else ""
        msgid = error_msgid(exc)
        if code in ("wrong_pin", "locked") and self.mode == "pin":
            if code == "wrong_pin" and self.scanned:
                msgid = WRONG_PIN_AFTER_SCAN
            self._ask_pin(self.nik, msgid)
        else:
            self._ask_nik(msgid)
