"""Queue: the open services with who is waiting, a priority choice, and one tap to take a ticket."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, ListProperty
from kivy.utils import escape_markup

from kiosk.messages import N_
from kiosk.models import TicketResult
from kiosk.screens import KioskScreen
from kiosk.widgets import BLUE, GREY, Tile


class QueueScreen(KioskScreen):
    """Services arrive from the edge server; a tap takes the ticket at once (the second tap from home)."""

    title = N_("Ambil Nomor Antrian")
    priority = BooleanProperty(False)
    services = ListProperty([])
    taking = BooleanProperty(False)

    def enter(self, **kwargs: Any) -> None:
        self.priority = False
        self.taking = False
        self.services = []
        self.app.controller.load_services(self._loaded, self._failed)

    def _loaded(self, services: list[dict[str, Any]]) -> None:
        self.services = services

    def _failed(self, exc: Exception) -> None:
        self.app.show_error(exc)

    def on_services(self, *_: Any) -> None:
        self.refresh_language()

    def refresh_language(self) -> None:
        box = self.ids.services
        box.clear_widgets()
        _ = self.app.tr._
        for service in self.services:
            if service.get("open") and not service.get("waiting"):
                detail = _("Tidak ada yang menunggu")
            elif service.get("open"):
                detail = _("{waiting} orang menunggu, sekitar {minutes} menit").format(
                    waiting=service.get("waiting", 0), minutes=service.get("estimated_wait_minutes", 0))
            else:
                detail = _("Tutup hari ini")
            tile = Tile(title=escape_markup(service.get("name", service["code"])), subtext=escape_markup(detail),
                        tint=BLUE if service.get("open") else GREY, disabled=not service.get("open"))
            tile.service_code = service["code"]
            tile.bind(on_release=lambda btn: self.take(btn.service_code))
            box.add_widget(tile)

    def toggle_priority(self) -> None:
        self.priority = not self.priority

    def take(self, code: str) -> None:
        """Take a ticket for ``code``; further taps are ignored until this one is answered."""
        if self.taking:
            return
        self.taking = True
        self.app.controller.take_ticket(code, self.priority, self._taken, self._not_taken)

    def _taken(self, result: TicketResult) -> None:
        self.taking = False
        self.app.go("ticket", result=result)

    def _not_taken(self, exc: Exception) -> None:
        self.taking = False
        self.app.show_error(exc)
        if self.app.sm.current == "queue":
            self.app.controller.load_services(self._loaded, lambda _exc: None)
