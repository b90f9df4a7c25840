"""Status: the identified resident's letter requests, each with its status in words."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, ColorProperty, ListProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.utils import escape_markup

from kiosk.messages import N_, letter_status_msgid, next_step
from kiosk.models import parse_time
from kiosk.screens import KioskScreen
from kiosk.widgets import BROWN, GREEN, GREY, INK

STATUS_COLOURS = {3: GREEN, 4: GREY, 5: GREY}  # text on white: each at least 4.5:1


class LetterCard(BoxLayout):
    """One request: type and reference on the left, status in words on the right (status.kv)."""

    status_colour = ColorProperty(BROWN)


class StatusScreen(KioskScreen):
    title = N_("Cek Status Surat")
    letters = ListProperty([])
    loaded = BooleanProperty(False)

    def enter(self, **kwargs: Any) -> None:
        self.loaded = False
        self.letters = []
        self.app.controller.load_letters(self._loaded, self.app.show_error)

    def _loaded(self, letters: list[dict[str, Any]]) -> None:
        self.letters = sorted(letters, key=lambda item: item.get("created_at", ""), reverse=True)
        self.loaded = True

    def on_letters(self, *_: Any) -> None:
        self.refresh_language()

    def refresh_language(self) -> None:
        box = self.ids.letters
        box.clear_widgets()
        _ = self.app.tr._
        s = self.app.s
        for letter in self.letters:
            status = int(letter.get("status", 1))
            created = self.app.controller.local(parse_time(letter.get("created_at")))
            card = LetterCard()
            card.ids.what.text = (f"[b]{escape_markup(letter.get('type_name', letter.get('type', '')))}[/b]\n"
                                  + _("No. {reference}, {day}/{month}/{year}").format(
                                      reference=escape_markup(letter.get("reference", "")), day=created.day,
                                      month=created.month, year=created.year))
            step = next_step(status, list(letter.get("to_bring") or []), _)
            card.ids.status.text = f"[b]{escape_markup(_(letter_status_msgid(status)))}[/b]" + (
                f"\n[color=1a1a1a][size={int(s * 19)}]{escape_markup(step)}[/size][/color]" if step else "")
            card.status_colour = STATUS_COLOURS.get(status, BROWN)
            box.add_widget(card)
        if self.loaded and not self.letters:
            box.add_widget(Label(text=_("Anda belum punya permohonan surat."), color=INK, font_size=s * 24,
                                 size_hint_y=None, height=s * 80))
