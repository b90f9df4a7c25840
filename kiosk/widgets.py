"""Reusable kiosk widgets: large buttons, numeric keypad, on-screen keyboard, overlays. Layout is in widgets.kv."""

from __future__ import annotations

from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.widget import Widget
from kivy.utils import escape_markup

# Colours: every text colour on its background is at least 4.5:1 (WCAG 1.4.3); button edges at least 3:1.
INK = (0.10, 0.10, 0.10, 1)
PAPER = (0.96, 0.965, 0.97, 1)
BLUE = (0.043, 0.325, 0.58, 1)
GREEN = (0.118, 0.42, 0.196, 1)
BROWN = (0.54, 0.29, 0.03, 1)
PURPLE = (0.357, 0.173, 0.514, 1)
GREY = (0.42, 0.42, 0.42, 1)
RED = (0.69, 0.0, 0.125, 1)
HEADER = (0.043, 0.24, 0.40, 1)


class KButton(Button):
    """A flat button whose colour darkens while pressed (feedback within a frame of the touch)."""

    tint = ColorProperty(BLUE)
    title = StringProperty("")
    subtext = StringProperty("")


class Tile(KButton):
    """A very large choice on the home and list screens: words first, a second line for detail."""


class TextLabel(Label):
    """Body text that wraps to its width and grows to its height."""


class Keypad(GridLayout):
    """A 3x4 numeric keypad; ``value`` holds the digits, ``secret`` shows dots instead of digits."""

    value = StringProperty("")
    max_length = NumericProperty(16)
    secret = BooleanProperty(False)
    ok_text = StringProperty("Lanjut")
    on_ok = ObjectProperty(None, allownone=True)

    def press(self, key: str) -> None:
        if key == "back":
            self.value = self.value[:-1]
        elif key == "ok":
            if self.on_ok:
                self.on_ok(self.value)
        elif len(self.value) < self.max_length:
            self.value += key

    @property
    def shown(self) -> str:
        return "\u2022" * len(self.value) if self.secret else self.value


class TextKeyboard(BoxLayout):
    """An on-screen keyboard (the system one does not appear over a full-screen kiosk).

    Capital letters only: easier to read for older eyes, and village forms are written in capitals anyway.
    """

    value = StringProperty("")
    digits = BooleanProperty(False)
    max_length = NumericProperty(120)
    on_ok = ObjectProperty(None, allownone=True)
    space_text = StringProperty("Spasi")
    back_text = StringProperty("Hapus")
    ok_text = StringProperty("Lanjut")
    LETTERS = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM-.")
    DIGITS = ("1234567890", "/()&,:'", "+#@_-.")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._build()

    def on_digits(self, *_: object) -> None:
        self._build()

    def _build(self) -> None:
        self.clear_widgets()
        for row in self.DIGITS if self.digits else self.LETTERS:
            line = BoxLayout(spacing=self.spacing)
            for char in row:
                line.add_widget(KButton(title=escape_markup(char), on_release=lambda _b, c=char: self.press(c)))
            self.add_widget(line)
        bottom = BoxLayout(spacing=self.spacing)
        mode = KButton(title="ABC" if self.digits else "123", tint=PURPLE, size_hint_x=1.2,
                       on_release=lambda _b: self.press("mode"))
        space = KButton(title=self.space_text, size_hint_x=3.5, on_release=lambda _b: self.press(" "))
        back = KButton(title=self.back_text, tint=BROWN, size_hint_x=1.6, on_release=lambda _b: self.press("back"))
        ok = KButton(title=self.ok_text, tint=GREEN, size_hint_x=2, on_release=lambda _b: self.press("ok"))
        self.bind(space_text=space.setter("title"), back_text=back.setter("title"), ok_text=ok.setter("title"))
        for button in (mode, space, back, ok):
            bottom.add_widget(button)
        self.add_widget(bottom)

    def press(self, key: str) -> None:
        if key == "back":
            self.value = self.value[:-1]
        elif key == "mode":
            self.digits = not self.digits
        elif key == "ok":
            if self.on_ok:
                self.on_ok(self.value.strip())
        elif len(self.value) < self.max_length:
            if key == " " and (not self.value or self.value.endswith(" ")):
                return
            self.value += key


class BusyOverlay(FloatLayout):
    """A modal spinner with words; eats touches so nothing is pressed twice while waiting."""

    text = StringProperty("")
    angle = NumericProperty(0)

    def on_touch_down(self, touch):  # type: ignore[override]
        return self.opacity > 0

    def on_touch_move(self, touch):  # type: ignore[override]
        return self.opacity > 0

    def on_touch_up(self, touch):  # type: ignore[override]
        return self.opacity > 0


class CountdownOverlay(FloatLayout):
    """"Masih di sini?" with the seconds left before the kiosk returns home."""

    seconds = NumericProperty(0)
    on_stay = ObjectProperty(None, allownone=True)

    def on_touch_down(self, touch):  # type: ignore[override]
        if self.opacity == 0:
            return False
        super().on_touch_down(touch)
        return True


class RemotePicture(Image):
    """A picture from the edge server, loaded and decoded by the controller in a worker (never here).

    Set ``url``; the last picture stays on screen until the next one has arrived, so a gallery refresh does not
    flicker. ``loaded`` is the URL now shown.
    """

    url = StringProperty("")
    loaded = StringProperty("")

    def on_url(self, *_: object) -> None:
        from kivy.app import App

        app = App.get_running_app()
        if not self.url or app is None:
            return
        url = self.url
        app.controller.load_picture(url, lambda picture: self._show(url, picture))

    def _show(self, url: str, picture: object) -> None:
        from kivy.graphics.texture import Texture

        if url != self.url:  # a newer picture was asked for meanwhile
            return
        texture = Texture.create(size=(picture.width, picture.height), colorfmt="rgba")
        texture.blit_buffer(picture.rgba, colorfmt="rgba", bufferfmt="ubyte")
        texture.flip_vertical()
        if picture.sharp:  # a QR code: crisp module edges when scaled up
            texture.mag_filter = "nearest"
            texture.min_filter = "nearest"
        self.texture = texture
        self.loaded = url


class ScoreButton(KButton):
    """A face with its words under it: one answer of the satisfaction question."""

    score = NumericProperty(3)


class Face(Widget):
    """A drawn face for a satisfaction score (1 very unhappy .. 5 very happy): no emoji font needed."""

    score = NumericProperty(3)


class KioskRoot(FloatLayout):
    """Header, notice banner, screens and the navigation bar, with the overlays above them (kiosk.kv)."""
