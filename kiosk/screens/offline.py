"""Offline: the edge server cannot be reached; the screen checks again by itself and goes home when it answers."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock

from kiosk.messages import N_
from kiosk.screens import KioskScreen

RETRY_SECONDS = 3.0


class OfflineScreen(KioskScreen):
    title = N_("Layanan sementara tidak tersedia")
    _event: Any = None
    _checking = False

    def enter(self, **kwargs: Any) -> None:
        if self._event is None:
            self._event = Clock.schedule_interval(self._check, RETRY_SECONDS)

    def leave(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def _check(self, _dt: float) -> None:
        if not self._checking:
            self._checking = True
            self.app.controller.check_edge(self._answered)

    def _answered(self, online: bool) -> None:
        self._checking = False
        if online and self.app.sm.current == "offline":
            self.app.finish_visit()
