"""Ticket: the number very large, what to do now, and a return home by itself."""

from __future__ import annotations

import math
from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.messages import N_, PRINT_FAULTS
from kiosk.models import TicketResult
from kiosk.screens import KioskScreen

UNPRINTED_SECONDS = 30  # time to write the number down when no receipt came out


class TicketScreen(KioskScreen):
    title = N_("Nomor Antrian Anda")
    number = StringProperty("")
    printed = BooleanProperty(True)
    details = StringProperty("")
    fault = StringProperty("")
    seconds_left = NumericProperty(0)

    def enter(self, result: TicketResult | None = None, **kwargs: Any) -> None:
        if result is None:
            return
        self.result = result
        ticket = result.ticket
        self.number = ticket["number"]
        self.printed = result.printed
        self.refresh_language()
        if result.printed:
            self.app.sounds.play("printed")
        self.app.return_home_in(self.app.settings.ticket_return if result.printed else UNPRINTED_SECONDS)
        self._countdown = Clock.schedule_interval(self._update_seconds, 0.25)
        self._update_seconds()

    def leave(self) -> None:
        if getattr(self, "_countdown", None) is not None:
            self._countdown.cancel()
            self._countdown = None

    def _update_seconds(self, _dt: float = 0) -> None:
        if self.app.return_at is not None:
            self.seconds_left = max(0, math.ceil(self.app.return_at - self.app.now()))

    def refresh_language(self) -> None:
        if not getattr(self, "result", None):
            return
        _ = self.app.tr._
        ticket = self.result.ticket
        ahead = int(ticket.get("position", 0))
        where = (_("Anda yang berikutnya.") if ahead == 0
                 else _("{ahead} orang di depan Anda, sekitar {minutes} menit.").format(
                     ahead=ahead, minutes=ticket.get("estimated_wait_minutes", 0)))
        priority = f" ({_('Prioritas')})" if ticket.get("priority") else ""
        self.details = f"{ticket.get('service_name', '')}{priority}. {where}"
        self.fault = _(PRINT_FAULTS.get(self.result.print_fault or "", "")) if not self.result.printed else ""
