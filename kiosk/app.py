"""The kiosk App: navigation, the visit (identify, forget), idle countdown, scans, spinner and device state."""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

import sdnotify
from kiosk import memory, messages, screens
from kiosk.config import KioskConfig
from kiosk.controller import Controller
from kiosk.i18n import Translator
from kiosk.models import DeviceState, Resident
from kiosk.sound import Sounds, Speaker
from kiosk.widgets import KioskRoot

log = logging.getLogger(__name__)
HERE = os.path.dirname(__file__)
# Screens that are steps, not places: "Kembali" never returns to them.
NO_HISTORY = {"identify", "ticket", "letter_done", "offline", "letter_review", "survey"}
STAY_WHEN_OFFLINE = {"ticket", "letter_done", "offline"}
# Screens that belong to one resident: a different card scanned there starts again from home.
RESIDENT_SCREENS = {"letters", "letter_form", "letter_review", "letter_done", "status"}
CODE_RELEASE_DELAY = 1.0  # seconds from the start to handing the shader compiler's code back (kiosk/memory.py)
BUSY_WORDS = {
    "loading": messages.N_("Sedang memuat..."), "ticket": messages.N_("Sedang mengambil nomor..."),
    "printing": messages.N_("Sedang mencetak..."), "identify": messages.N_("Sedang memeriksa..."),
    "letter": messages.N_("Sedang mengirim permohonan..."),
}


class KioskApp(App):
    """One resident visit after another, on a full-screen touchscreen."""

    s = NumericProperty(1.0)  # size unit: 1 on an 800x480 panel, scaled with the screen
    portrait = BooleanProperty(False)
    tr = ObjectProperty(None)
    village_name = StringProperty("")
    clock_text = StringProperty("")
    resident_name = StringProperty("")
    notice = StringProperty("")
    notice_error = BooleanProperty(False)
    receipts_available = BooleanProperty(True)
    at_home = BooleanProperty(True)
    screen_title = StringProperty("")
    language = StringProperty("id")
    can_speak = BooleanProperty(False)

    use_kivy_settings = False

    def __init__(self, settings: KioskConfig, controller: Controller | None = None,
                 now: Callable[[], float] = time.monotonic, sounds: Sounds | None = None, **kwargs: Any) -> None:
        self.settings = settings
        self.tr = Translator(settings.language)
        self.language = settings.language
        super().__init__(**kwargs)
        self.title = "Anjungan Desa"
        self.controller = controller or Controller(settings)
        self.now = now
        self.sounds = sounds or Sounds(settings.sound)
        self.speaker: Speaker | None = None
        self.history: list[str] = []
        self.last_touch = now()
        self.return_at: float | None = None  # a screen's own "back home in N seconds"
        self.pending_target: str | None = None  # where identify leads once the resident is known
        self._busy_event: Any = None
        self._spin_event: Any = None
        self._events: list[Any] = []

    # ----- life cycle ----------------------------------------------------------------------------------------
    def load_kv(self, filename: str | None = None) -> bool:
        return True

    def build(self) -> Any:
        for name in ("widgets.kv", "kiosk.kv"):
            path = os.path.join(HERE, name)
            if path not in Builder.files:
                Builder.load_file(path)
        screens.load_kv()
        root = KioskRoot()
        from kiosk.screens import home, identify, info, letters, offline, queue, status, survey, ticket

        # Only the home screen is built at start (the cold start waits for it); each other screen the first time
        # it is shown (`screen`), in a few milliseconds.
        self.screen_classes = {
            "home": home.HomeScreen, "queue": queue.QueueScreen, "ticket": ticket.TicketScreen,
            "identify": identify.IdentifyScreen, "letters": letters.LettersScreen,
            "letter_form": letters.LetterFormScreen, "letter_review": letters.LetterReviewScreen,
            "letter_done": letters.LetterDoneScreen, "status": status.StatusScreen, "info": info.InfoScreen,
            "survey": survey.SurveyScreen, "offline": offline.OfflineScreen}
        root.ids.sm.add_widget(home.HomeScreen(name="home"))
        root.ids.countdown.on_stay = self.touched
        return root

    def screen(self, name: str) -> Any:
        """The screen called ``name``, built the first time it is asked for."""
        if not self.sm.has_screen(name):
            self.sm.add_widget(self.screen_classes[name](name=name))
        return self.sm.get_screen(name)

    def on_start(self) -> None:
        Window.show_cursor = False
        Window.bind(size=self._resized, on_keyboard=self._on_keyboard, on_textinput=self._on_textinput,
                    on_touch_down=lambda *_: self.touched())
        self._resized(Window, Window.size)
        controller = self.controller
        controller.on_busy = self._busy_changed
        controller.on_state = self._state_changed
        controller.on_scan = self.handle_scan
        controller.start_scanner()
        controller.heartbeat()
        self.speaker = Speaker()
        self.can_speak = self.settings.sound and self.speaker.available
        self._events = [
            Clock.schedule_interval(lambda _dt: controller.heartbeat(), self.settings.heartbeat_interval),
            Clock.schedule_interval(self._tick, 0.25),
            Clock.schedule_interval(self._update_clock, 1.0),
        ]
        self._update_clock()
        self.go("home")
        memory.freeze_startup_objects()
        # Once the home screen's first frames have compiled their shaders: the compiler's code is not needed.
        self._events.append(Clock.schedule_once(lambda _dt: memory.release_code_pages(), CODE_RELEASE_DELAY))
        self._events += self.notify_systemd()

    def notify_systemd(self) -> list[Any]:
        """READY=1 for the Type=notify unit, then WATCHDOG=1 from the UI clock: a frozen UI stops the pings and
        systemd restarts the kiosk (WatchdogSec). :returns: the scheduled ping, if a watchdog is set."""
        sdnotify.ready(f"kiosk {self.settings.name} showing the home screen")
        interval = sdnotify.watchdog_interval()
        if interval is None:
            return []
        sdnotify.notify("WATCHDOG=1")
        return [Clock.schedule_interval(lambda _dt: sdnotify.notify("WATCHDOG=1"), interval / 2)]

    def open_settings(self, *_args: Any) -> bool:
        """Kivy's settings panel (F1) would be a way out of the kiosk: never open it."""
        return False

    def on_stop(self) -> None:
        sdnotify.stopping()
        for event in self._events:
            event.cancel()
        self.controller.close()

    def _resized(self, _window: Any, size: tuple[int, int]) -> None:
        width, height = size
        self.portrait = height > width
        self.s = min(width / 800.0, height / 480.0) if not self.portrait else min(width / 540.0, height / 900.0)

    # ----- keys: the keyboard-wedge scanner, and no way out -----------------------------------------------
    def _on_keyboard(self, _window: Any, key: int, *_args: Any) -> bool:
        if key in (13, 271):  # Enter ends a scan
            self.controller.feed_keys("\n")
        return True  # swallow Escape and every other key: no exit, no back-to-desktop

    def _on_textinput(self, _window: Any, text: str) -> None:
        self.controller.feed_keys(text)

    # ----- navigation ----------------------------------------------------------------------------------------
    @property
    def sm(self) -> Any:
        return self.root.ids.sm

    def go(self, name: str, remember: bool = True, **kwargs: Any) -> None:
        """Show screen ``name``; ``Kembali`` returns to the screen left, unless it was only a step."""
        current = self.sm.current
        if remember and current != name and current not in NO_HISTORY and name != "home":
            self.history.append(current)
        if name == "home":
            self.history.clear()
        self.return_at = None
        self.notice = "" if not kwargs.pop("keep_notice", False) else self.notice
        screen = self.screen(name)
        if current != name:
            self.sm.current_screen.leave()
        self.sm.current = name
        if self.sm.transition.is_active:
            # Switch at once: a pending zero-length transition would drop the next touch.
            self.sm.transition.stop()
        self.at_home = name == "home"
        screen.enter(**kwargs)
        if self.sm.current != name:  # the screen moved on by itself (a letter without fields)
            return
        self.screen_title = screen.title

    def back(self) -> None:
        self.go(self.history.pop() if self.history else "home", remember=False)

    def open_for_resident(self, target: str) -> None:
        """Letters and status need a resident identified with PIN or e-KTP: ask first when needed."""
        resident = self.controller.resident
        if resident and resident.full:
            self.go(target)
        else:
            self.pending_target = target
            self.go("identify", target=target)

    def finish_visit(self) -> None:
        """Forget the resident and return home (on Selesai, after the idle countdown, after a ticket)."""
        self.controller.end_visit()
        self.resident_name = ""
        self.pending_target = None
        self.set_language(self.settings.language)
        self.root.ids.countdown.opacity = 0
        self.go("offline" if not self.controller.state.edge_online else "home")
        # At the next frame, once home is on screen: the next resident does not wait for the collection.
        Clock.schedule_once(lambda _dt: memory.release_visit_memory(), 0)

    def forget_resident(self) -> None:
        """Forget the resident without leaving the screen (an expired session)."""
        self.controller.end_visit()
        self.resident_name = ""

    def set_language(self, language: str) -> None:
        if language != self.tr.language:
            self.tr.switch(language)
            self.language = language
            for screen in self.sm.screens:
                screen.refresh_language()
            self.screen_title = self.sm.current_screen.title
            self._update_clock()

    def speak_prompt(self) -> None:
        """Read the home screen aloud, in the current language."""
        if not self.speaker:
            return
        text = self.tr._(messages.SPOKEN_PROMPT).format(village=self.village_name or "")
        self.speaker.say(text, self.tr.language, lambda work, done: self.controller.run(work, done),
                         self.sounds.play_file)

    def show_notice(self, msgid: str, error: bool = False, **fmt: Any) -> None:
        self.notice = self.tr._(msgid).format(**fmt)
        self.notice_error = error

    def show_error(self, exc: Exception) -> None:
        """Explain a failed call in the banner; an unreachable edge server leads to the offline screen."""
        from kiosk.api_client import EdgeUnavailable

        if isinstance(exc, EdgeUnavailable) and self.sm.current not in STAY_WHEN_OFFLINE:
            self.go("offline")
            return
        self.show_notice(messages.error_msgid(exc), error=True)

    # ----- scans and identity ------------------------------------------------------------------------------
    def handle_scan(self, raw: str) -> None:
        """A card scanned anywhere identifies the resident, forgetting whoever was there before."""
        self.touched()
        if self.sm.current == "offline" or not raw.strip():
            return
        self.resident_name = ""
        self.controller.identify_scan(raw, self._identified, self._identify_failed)

    def identify_pin(self, nik: str, pin: str) -> None:
        self.controller.identify_pin(nik, pin, self._identified, self._identify_failed)

    def _identified(self, resident: Resident) -> None:
        self.sounds.play("scan")
        self.resident_name = resident.name_masked
        self.show_notice(messages.N_("Selamat datang, {name}."), name=resident.name_masked)
        screen = self.sm.current_screen
        if hasattr(screen, "identified"):
            screen.identified(resident)
        elif self.sm.current in RESIDENT_SCREENS:
            self.go("home", keep_notice=True)

    def _identify_failed(self, exc: Exception) -> None:
        screen = self.sm.current_screen
        if hasattr(screen, "identify_failed") and not self._is_unavailable(exc):
            screen.identify_failed(exc)
        else:
            self.show_error(exc)

    @staticmethod
    def _is_unavailable(exc: Exception) -> bool:
        from kiosk.api_client import EdgeUnavailable

        return isinstance(exc, EdgeUnavailable)

    # ----- idle and timed returns --------------------------------------------------------------------------
    def touched(self, *_args: Any) -> None:
        self.last_touch = self.now()
        self.root.ids.countdown.opacity = 0

    def _visit_active(self) -> bool:
        return (self.sm.current not in ("home", "offline") or bool(self.controller.resident)
                or self.tr.language != self.settings.language)

    def _tick(self, _dt: float = 0) -> None:
        """Idle countdown and timed returns, computed from ``now`` so tests can move time forward."""
        now = self.now()
        if self.return_at is not None and now >= self.return_at:
            self.finish_visit()
            return
        countdown = self.root.ids.countdown
        if not self._visit_active() or self.return_at is not None:
            countdown.opacity = 0
            return
        idle = now - self.last_touch
        left = self.settings.idle_timeout + self.settings.countdown - idle
        if left <= 0:
            log.info("idle timeout, returning home")
            self.finish_visit()
        elif idle >= self.settings.idle_timeout:
            countdown.seconds = math.ceil(left)
            countdown.opacity = 1

    def return_home_in(self, seconds: float) -> None:
        self.return_at = self.now() + seconds

    def _update_clock(self, _dt: float = 0) -> None:
        self.clock_text = messages.date_text(self.controller.edge_now(), self.tr._)

    # ----- devices and the edge server --------------------------------------------------------------------
    def _state_changed(self, state: DeviceState) -> None:
        self.receipts_available = state.receipts_available
        if state.village.get("name"):
            self.village_name = self.controller.village_name
        if not state.edge_online and self.sm.current not in STAY_WHEN_OFFLINE:
            self.go("offline")

    def _busy_changed(self, busy: bool, label: str) -> None:
        overlay = self.root.ids.busy
        if busy:
            overlay.text = self.tr._(BUSY_WORDS.get(label, BUSY_WORDS["loading"]))
            if self._busy_event is None and overlay.opacity == 0:
                self._busy_event = Clock.schedule_once(self._show_busy, 0.5)
            return
        if self._busy_event is not None:
            self._busy_event.cancel()
            self._busy_event = None
        if self._spin_event is not None:
            self._spin_event.cancel()
            self._spin_event = None
        overlay.opacity = 0

    def _show_busy(self, _dt: float) -> None:
        self._busy_event = None
        overlay = self.root.ids.busy
        overlay.opacity = 1

        def spin(_dt: float) -> None:
            overlay.angle = (overlay.angle - 12) % 360

        self._spin_event = Clock.schedule_interval(spin, 1 / 30)
