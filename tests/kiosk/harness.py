"""Helpers for the kiosk tests and the kiosk benchmark: the edge server process and a driver for the app."""

from __future__ import annotations

import contextlib
import functools
import glob
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def screenshot_dir() -> str:
    """Where screenshots go: ``ANJUNGAN_SCREENSHOT_DIR`` (`make screenshots` sets docs/screenshots), else a
    temporary folder, so the tests never change tracked files."""
    folder = os.environ.get("ANJUNGAN_SCREENSHOT_DIR")
    if not folder:
        import tempfile

        folder = os.environ["ANJUNGAN_SCREENSHOT_DIR"] = tempfile.mkdtemp(prefix="kiosk-shots-")
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EdgeProcess:
    """``python -m edge_server serve --demo`` in a data dir, on a free port, restartable on the same port."""

    def __init__(self, data_dir: str, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.output: list[str] = []
        self.demo: dict[str, Any] = {}

    def start(self, timeout: float = 60.0) -> None:
        self.output = []
        ready = threading.Event()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "edge_server", "serve", "--data-dir", self.data_dir, "--host", "127.0.0.1",
             "--port", str(self.port), "--demo"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

        def read(stream: Any) -> None:
            for line in stream:
                self.output.append(line.rstrip())
                if "listening on" in line:
                    ready.set()

        threading.Thread(target=read, args=(self.proc.stdout,), daemon=True).start()
        deadline = time.monotonic() + timeout
        while not ready.wait(0.1):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("edge server did not start:\n" + "\n".join(self.output[-40:]))
        self.load_demo()

    def load_demo(self) -> None:
        with open(os.path.join(self.data_dir, "demo.json"), encoding="utf-8") as fh:
            self.demo = json.load(fh)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def residents(self, with_pin: bool = False, with_rfid: bool = False) -> list[dict[str, Any]]:
        return [r for r in self.demo.get("residents", [])
                if (not with_pin or r.get("pin")) and (not with_rfid or r.get("rfid"))]


def compile_catalogues() -> None:
    """Compile kiosk/translations/**/*.po to .mo like ``make setup`` does, when missing or stale."""
    from babel.messages import mofile, pofile

    for po in glob.glob(os.path.join(ROOT, "kiosk", "translations", "*", "LC_MESSAGES", "*.po")):
        mo = po[:-3] + ".mo"
        if not os.path.exists(mo) or os.path.getmtime(mo) < os.path.getmtime(po):
            with open(po, "rb") as src:
                catalog = pofile.read_po(src)
            with open(mo, "wb") as out:
                mofile.write_mo(out, catalog)


class FakeTime:
    """Monotonic time that tests can move forward, for the idle countdown and timed returns."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.frozen: float | None = None  # while held: the time, which only `advance` moves

    def __call__(self) -> float:
        return self.frozen if self.frozen is not None else time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds
        if self.frozen is not None:
            self.frozen += seconds

    @contextlib.contextmanager
    def held(self):
        """Time stands still inside (a wait for a timer then proves that the advance, not the wait, fired it)."""
        self.frozen = self()
        try:
            yield
        finally:
            self.offset, self.frozen = self.frozen - time.monotonic(), None


def configure_test_kivy(width: int = 800, height: int = 480) -> None:
    """Window size fixed and no real input providers: only the taps the tests make."""
    from kivy.config import Config

    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "fullscreen", "0")
    Config.set("kivy", "exit_on_escape", "0")
    Config.remove_section("input")
    Config.add_section("input")


@functools.cache
def _finger_class() -> type:
    from kivy.base import EventLoop
    from kivy.input.motionevent import MotionEvent

    class Finger(MotionEvent):
        def depack(self, args: dict[str, float]) -> None:
            self.sx, self.sy = args["x"], args["y"]
            super().depack(args)

        def touch_down(self) -> None:
            EventLoop.post_dispatch_input("begin", self)

        def touch_up(self) -> None:
            EventLoop.post_dispatch_input("end", self)

    return Finger


def finger_touch(x: float, y: float) -> Any:
    """One finger on the window at (x, y), sent through Kivy's event loop like a touch from the panel
    (``touch_down()``, then ``touch_up()``).

    The same as ``kivy.tests.common.UnitTestTouch``, which is not used here: importing that module brings pytest
    and unittest into the kiosk process (about 7 MiB), and bench_kiosk.py measures that process's memory.
    Kivy is imported only now, after the tests have configured it.
    """
    from kivy.base import EventLoop

    window = EventLoop.window
    finger = _finger_class()("finger", 99, {"x": x / (window.width - 1.0), "y": y / (window.height - 1.0)},
                             is_touch=True, type_id="touch")
    finger.profile = ["pos"]
    return finger


def start_kiosk(edge: EdgeProcess, receipts_dir: str, width: int = 800, height: int = 480,
                **overrides: Any) -> KioskDriver:
    configure_test_kivy(width, height)
    from kivy.base import EventLoop

    from kiosk.app import KioskApp
    from kiosk.config import KioskConfig

    settings = KioskConfig(edge_url=edge.url, token=edge.demo["kiosk_token"], printer=f"virtual://{receipts_dir}",
                           scanner="keyboard", fullscreen=False, request_timeout=3.0, **overrides)
    clock = FakeTime()
    app = KioskApp(settings, now=clock)
    app._run_prepare()
    EventLoop.start()
    driver = KioskDriver(app, clock, receipts_dir)
    driver.wait_until(lambda: app.sm.current == "home" and app.village_name, what="home with the village name")
    return driver


class KioskDriver:
    """Drives the running app like a resident: taps on buttons by their words, scans, waiting."""

    def __init__(self, app: Any, clock: FakeTime, receipts_dir: str) -> None:
        self.app = app
        self.clock = clock
        self.receipts_dir = receipts_dir
        self.taps = 0

    # ----- time ------------------------------------------------------------------------------------------
    def pump(self, seconds: float = 0.05) -> None:
        from kivy.base import EventLoop

        end = time.monotonic() + seconds
        while True:
            EventLoop.idle()
            if time.monotonic() >= end:
                break

    def wait_until(self, condition: Callable[[], Any], timeout: float = 15.0, what: str = "") -> Any:
        from kivy.base import EventLoop

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            EventLoop.idle()
            result = condition()
            if result:
                return result
        raise AssertionError(f"timed out waiting for {what or condition}: screen={self.current!r}, "
                             f"notice={self.app.notice!r}")

    def advance(self, seconds: float, until: Callable[[], Any] | None = None, what: str = "") -> None:
        """Move the app's clock forward and let its timers see it: for 0.4 s of real time, or, with `until`,
        until it holds, the app's clock standing still meanwhile (a timer due at the new time can take longer
        than 0.4 s to run on a busy machine)."""
        self.clock.advance(seconds)
        if until is None:
            self.pump(0.4)
            return
        with self.clock.held():
            self.wait_until(until, what=what)

    # ----- looking -----------------------------------------------------------------------------------------
    @property
    def current(self) -> str:
        return self.app.sm.current

    @property
    def screen(self) -> Any:
        return self.app.sm.current_screen

    def buttons(self) -> list[Any]:
        """Every button a resident can see and press now (overlays first, as they are on top)."""
        from kiosk.widgets import KButton

        found: list[Any] = []

        def walk(widget: Any) -> None:
            if widget.opacity == 0 or widget.disabled:
                return
            if isinstance(widget, KButton):
                found.append(widget)
            for child in widget.children:
                walk(child)

        walk(self.app.root)
        return found

    def find(self, title: str) -> Any:
        matches = [b for b in self.buttons() if b.title == title] or \
                  [b for b in self.buttons() if title.lower() in b.title.lower()]
        if not matches:
            raise AssertionError(f"no button {title!r} on {self.current}: {[b.title for b in self.buttons()]}")
        return matches[0]

    def texts(self) -> str:
        """All visible text on screen, for assertions about what the resident reads."""
        from kivy.uix.label import Label

        parts: list[str] = []

        def walk(widget: Any) -> None:
            if widget.opacity == 0:
                return
            if isinstance(widget, Label) and widget.text:
                parts.append(widget.text)
            for child in widget.children:
                walk(child)

        walk(self.app.root)
        return "\n".join(parts)

    # ----- acting ------------------------------------------------------------------------------------------
    def tap(self, widget: Any) -> None:
        """A finger down and up on the widget's centre, through the window like a real touch."""
        from kivy.uix.scrollview import ScrollView

        parent = widget.parent
        while parent is not None and parent is not parent.parent:
            if isinstance(parent, ScrollView):  # scroll it into view first, as a resident would
                parent.scroll_to(widget, padding=0, animate=False)
                self.pump(0.05)
                break
            parent = parent.parent
        x, y = widget.to_window(*widget.center)
        touch = finger_touch(x, y)
        touch.touch_down()
        self.pump(0.02)
        touch.touch_up()
        self.taps += 1
        self.pump(0.05)

    def tap_text(self, title: str) -> None:
        self.tap(self.find(title))

    def type_digits(self, digits: str, ok: bool = True) -> None:
        for digit in digits:
            self.tap_text(digit)
        if ok:
            self.tap(self.find(self.screen.ids.keypad.ok_text))

    def scan(self, raw: str) -> None:
        """A keyboard-wedge scanner: the text, then Enter, as window key events."""
        from kivy.core.window import Window

        Window.dispatch("on_textinput", raw)
        Window.dispatch("on_keyboard", 13, 40, "\r", [])
        self.pump(0.05)

    # ----- printer and window ------------------------------------------------------------------------------
    def receipts(self) -> list[str]:
        files = glob.glob(os.path.join(self.receipts_dir, "*.txt"))
        return sorted(files, key=lambda p: int(os.path.basename(p).split(".")[0]))

    def set_printer(self, query: str = "") -> None:
        from drivers.printer import open_printer

        self.app.controller.set_printer(open_printer(f"virtual://{self.receipts_dir}{query}"))
        self.app.controller.state.printer = {"online": True, "paper": "ok"}
        self.app.receipts_available = True

    def set_size(self, width: int, height: int) -> None:
        from kivy.core.window import Window

        Window.size = (width, height)
        self.pump(0.3)

    def screenshot(self, name: str) -> str:
        """Save the window as kiosk-<name>-<W>x<H>.png in :func:`screenshot_dir`."""
        from kivy.core.window import Window

        self.pump(0.15)
        width, height = Window.size
        folder = screenshot_dir()
        os.makedirs(folder, exist_ok=True)
        target = os.path.join(folder, f"kiosk-{name}-{width}x{height}.png")
        from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels
        from PIL import Image

        # Window.screenshot's own PNG writer takes over half a second per shot at 1920x1080.
        pixels = glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE)
        image = Image.frombytes("RGB", (width, height), pixels).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
        image.save(target)
        return target

    def reset(self) -> None:
        self.app.finish_visit()
        if self.current != "home":
            self.wait_until(lambda: self.app.controller.state.edge_online, what="edge server back")
            self.app.finish_visit()
        self.set_printer()
        self.app.notice = ""
        self.taps = 0
        self.pump(0.1)

    def close(self) -> None:
        self.app.stop()


def staff_devices(edge: EdgeProcess) -> list[dict[str, Any]]:
    """What staff see of the devices (``GET /staff/api/devices``), logged in as the demo operator."""
    import re

    import requests

    staff = next(s for s in edge.demo["staff"] if s["role"] == "operator")
    http = requests.Session()
    page = http.get(f"{edge.url}/staff/login", timeout=5).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    http.post(f"{edge.url}/staff/login", data={"username": staff["username"], "password": staff["password"],
                                                "csrf_token": token.group(1) if token else ""}, timeout=5)
    answer = http.get(f"{edge.url}/staff/api/devices", timeout=5)
    answer.raise_for_status()
    return answer.json()["devices"]
