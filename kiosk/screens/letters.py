"""Letters: choose a letter type, fill its fields on the on-screen keyboard, review, send, and get a receipt."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import (
    BooleanProperty,
    DictProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.utils import escape_markup

from kiosk.api_client import ApiError
from kiosk.messages import N_, PRINT_FAULTS, next_step
from kiosk.models import LetterResult
from kiosk.screens import KioskScreen
from kiosk.widgets import BLUE, GREEN, KButton, Tile

NEEDS_IDENTITY = ("pin_required", "invalid_session")
TILE_MIN = 78  # px at 800x480: room for a name and its one-line description, above the 60 px touch target
TILE_MAX = 130
TITLE_FONT, TITLE_FONT_MIN = 18, 13  # px at 800x480


def grid_shape(count: int, width: float, height: float, s: float, portrait: bool,
               spacing: float) -> tuple[int, float]:
    """Columns and row height so every letter type shows whole (no half-hidden row at the bottom): the
    fewest columns whose rows all fit the visible height; when none do, the most columns and whole rows."""
    choices = (1, 2) if portrait else (2, 3, 4)
    for cols in choices:
        rows = max(1, -(-count // cols))
        row = (height - spacing * (rows - 1)) / rows
        if row >= s * TILE_MIN and width / cols >= s * 150:
            return cols, min(row, s * TILE_MAX)
    cols = choices[-1]
    whole = max(1, int((height + spacing) // (s * TILE_MIN + spacing)))  # rows that fit whole
    return cols, (height - spacing * (whole - 1)) / whole


class LettersScreen(KioskScreen):
    """The self-service letter types as large tiles."""

    title = N_("Ajukan Surat")
    letter_types = ListProperty([])

    def enter(self, **kwargs: Any) -> None:
        self.letter_types = []
        self.app.controller.load_letter_types(self._loaded, self.app.show_error)

    def _loaded(self, letter_types: list[dict[str, Any]]) -> None:
        self.letter_types = letter_types

    def on_kv_post(self, base_widget: Any) -> None:
        self.ids.scroll.bind(size=lambda *_: self.arrange())

    def on_letter_types(self, *_: Any) -> None:
        grid = self.ids.types
        grid.clear_widgets()
        for letter_type in self.letter_types:
            tile = Tile(title=escape_markup(letter_type["name"]), tint=GREEN, size_hint_y=None,
                        subtext=escape_markup(letter_type.get("description", "")))
            tile.font_size = self.app.s * TITLE_FONT
            tile.letter_type = letter_type
            tile.bind(on_release=lambda btn: self.app.go("letter_form", letter_type=btn.letter_type))
            grid.add_widget(tile)
        self.arrange()

    def arrange(self) -> None:
        """Columns and tile height for the window: all types visible at once where they fit."""
        grid, scroll = self.ids.types, self.ids.scroll
        cols, row = grid_shape(len(grid.children), scroll.width, scroll.height, self.app.s, self.app.portrait,
                               grid.spacing[1])
        grid.cols = cols
        for tile in grid.children:
            tile.height = row
        Clock.schedule_once(self._fit_titles, 0)  # once the grid has given the tiles their widths

    def _fit_titles(self, *_: Any) -> None:
        """A long name (OpenSID's "Surat Pengantar Permohonan Penerbitan Buku Pas Lintas") gets a smaller font
        until name and description fit its tile; never below a size still easy to read."""
        s = self.app.s
        for tile in self.ids.types.children:
            tile.font_size = s * TITLE_FONT
            tile.texture_update()
            while tile.texture_size[1] > tile.height and tile.font_size > s * TITLE_FONT_MIN:
                tile.font_size -= s
                tile.texture_update()


class LetterFormScreen(KioskScreen):
    """One field at a time, each typed on the on-screen keyboard."""

    title = N_("Isi Permohonan")
    letter_type = ObjectProperty(None, allownone=True)
    index = NumericProperty(0)
    values = DictProperty({})
    message = StringProperty("")
    prompt = StringProperty("")
    choices = ListProperty([])
    typing = BooleanProperty(True)  # False while the one-tap choices are shown instead of the keyboard

    def enter(self, letter_type: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if letter_type is not None:
            self.letter_type = letter_type
            self.values = {}
            self.index = 0
        if not self.letter_type:
            return
        if not self.letter_type.get("fields"):
            self.app.go("letter_review", remember=False, letter_type=self.letter_type, values={})
            return
        self._show_field()

    def on_kv_post(self, base_widget: Any) -> None:
        self.ids.keyboard.on_ok = self.field_done
        self.ids.keyboard.bind(value=lambda *_: setattr(self, "message", ""))
        # strong references: ids are weak, and the one not shown is out of the widget tree
        self._parts = {True: self.ids.keyboard.__self__, False: self.ids.choices.__self__}
        self.on_typing()

    def on_typing(self, *_: Any) -> None:
        """Show the keyboard, or the one-tap choices in its place."""
        if not hasattr(self, "_parts"):
            return
        entry, shown = self.ids.entry, self._parts[bool(self.typing)]
        if shown.parent is not entry:
            entry.clear_widgets()
            entry.add_widget(shown)

    @property
    def fields(self) -> list[dict[str, Any]]:
        return list(self.letter_type.get("fields", [])) if self.letter_type else []

    def _show_field(self) -> None:
        field = self.fields[self.index]
        self.ids.keyboard.value = self.values.get(field["name"], "")
        self.message = ""
        self.choices = list(field.get("choices") or [])
        self.typing = not self.choices or self.ids.keyboard.value not in ("", *self.choices)
        self._show_choices()
        self.refresh_language()

    def _show_choices(self) -> None:
        grid = self.ids.choices
        grid.clear_widgets()
        for text in self.choices:
            button = KButton(title=escape_markup(text), tint=GREEN, font_size=self.app.s * 22)
            button.choice = text
            button.bind(on_release=lambda btn: self.choose(btn.choice))
            grid.add_widget(button)
        grid.add_widget(KButton(title=self.app.tr._("Ketik sendiri"), tint=BLUE, font_size=self.app.s * 22,
                                on_release=lambda *_: self.type_own()))

    def choose(self, text: str) -> None:
        """One tap: the purpose is filled and the next step shown."""
        self.field_done(text)

    def type_own(self) -> None:
        self.typing = True

    def refresh_language(self) -> None:
        if not self.letter_type or not self.fields:
            return
        field = self.fields[self.index]
        optional = "" if field.get("required", True) else " " + self.app.tr._("(boleh kosong)")
        self.prompt = self.app.tr._("{label}{optional}  (langkah {step} dari {total})").format(
            label=field.get("label", field["name"]), optional=optional, step=self.index + 1,
            total=len(self.fields))

    def field_done(self, value: str) -> None:
        field = self.fields[self.index]
        if field.get("required", True) and not value:
            self.message = self.app.tr._("Bagian ini wajib diisi.")
            return
        self.values[field["name"]] = value
        if self.index + 1 < len(self.fields):
            self.index += 1
            self._show_field()
        else:
            self.app.go("letter_review", letter_type=self.letter_type, values=dict(self.values))


class LetterReviewScreen(KioskScreen):
    """Everything the resident asked for, and the documents to bring, before it is sent."""

    title = N_("Periksa Permohonan")
    letter_type = ObjectProperty(None, allownone=True)
    values = DictProperty({})
    summary = StringProperty("")
    sending = False

    def enter(self, letter_type: dict[str, Any] | None = None, values: dict[str, str] | None = None,
              **kwargs: Any) -> None:
        if letter_type is not None:
            self.letter_type, self.values = letter_type, values or {}
        self.sending = False
        self.refresh_language()

    def refresh_language(self) -> None:
        if not self.letter_type:
            return
        _ = self.app.tr._
        lines = [f"[b]{escape_markup(self.letter_type['name'])}[/b]",
                 _("Atas nama: {name}").format(name=escape_markup(self.app.resident_name))]
        for field in self.letter_type.get("fields", []):
            value = self.values.get(field["name"]) or "-"
            lines.append(f"{escape_markup(field.get('label', field['name']))}: {escape_markup(value)}")
        requirements = self.letter_type.get("requirements", [])
        if requirements:
            lines.append(_("Bawa ke balai desa: {documents}.").format(
                documents=escape_markup(", ".join(requirements))))
        self.summary = "\n".join(lines)

    def change(self) -> None:
        """Back to the fields, or to the letter types when this letter has none."""
        if self.letter_type and self.letter_type.get("fields"):
            self.app.go("letter_form", remember=False)
        else:
            self.app.back()

    def send(self) -> None:
        if self.sending:
            return
        self.sending = True
        self.app.controller.submit_letter(self.letter_type, dict(self.values), self._sent, self._failed)

    def _sent(self, result: LetterResult) -> None:
        self.sending = False
        self.app.go("letter_done", result=result, letter_type=self.letter_type)

    def _failed(self, exc: Exception) -> None:
        self.sending = False
        if isinstance(exc, ApiError) and exc.code in NEEDS_IDENTITY:
            if exc.code == "invalid_session":
                self.app.forget_resident()
            self.app.pending_target = "letter_review"
            self.app.go("identify", target="letter_review")
            self.app.show_error(exc)
        else:
            self.app.show_error(exc)


class LetterDoneScreen(KioskScreen):
    """The reference, whether the receipt printed, and the documents to bring."""

    title = N_("Permohonan Terkirim")
    reference = StringProperty("")
    details = StringProperty("")
    printed = ObjectProperty(True)

    def enter(self, result: LetterResult | None = None, letter_type: dict[str, Any] | None = None,
              **kwargs: Any) -> None:
        if result is None:
            return
        self.result, self.letter_type = result, letter_type or {}
        self.reference = result.letter["reference"]
        self.printed = result.printed
        if result.printed:
            self.app.sounds.play("printed")
        self.refresh_language()
        self.app.return_home_in(max(20, self.app.settings.ticket_return * 2))

    def refresh_language(self) -> None:
        if not getattr(self, "result", None):
            return
        _ = self.app.tr._
        lines = []
        if self.result.ticket:
            lines.append(_("Nomor antrian Anda: {number}. Silakan tunggu panggilan.").format(
                number=self.result.ticket["number"]))
        if not self.result.printed:
            lines.append(_(PRINT_FAULTS.get(self.result.print_fault or "", PRINT_FAULTS["error"])))
        letter = self.result.letter
        step = next_step(letter.get("status", 0), letter.get("to_bring", self.letter_type.get("requirements", [])), _)
        if step:
            lines.append(f"[b]{escape_markup(step)}[/b]")
        lines.append(_("Lihat perkembangannya di menu Cek Status Surat, atau pindai QR di struk."))
        self.details = "\n".join(lines)
