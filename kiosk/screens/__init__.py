"""The kiosk's screens: one ``Screen`` class per module holding state only, its layout in the ``.kv`` beside it."""

from __future__ import annotations

import os
from typing import Any

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen

HERE = os.path.dirname(__file__)
KV_FILES = ("home", "queue", "ticket", "identify", "letters", "status", "info", "survey", "offline")


def load_kv() -> None:
    """Load every screen's kv rules once (called by the app at build time, never at import)."""
    for name in KV_FILES:
        path = os.path.join(HERE, f"{name}.kv")
        if path not in Builder.files:
            Builder.load_file(path)


class KioskScreen(Screen):
    """Base: ``title`` is the Indonesian msgid shown in the header; ``enter`` receives navigation arguments."""

    title = StringProperty("")
    needs_resident = False  # "full" screens are reached through the identify screen

    @property
    def app(self) -> Any:
        return App.get_running_app()

    def enter(self, **kwargs: Any) -> None:
        """Called by the app each time the screen is shown."""

    def leave(self) -> None:
        """Called by the app when another screen replaces this one."""

    def refresh_language(self) -> None:
        """Rebuild text made in Python after a language switch (kv text follows by itself)."""
