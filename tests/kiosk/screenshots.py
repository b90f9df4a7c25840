"""Walk every kiosk screen at one window size, save a screenshot of each, and check the layout.

Run by test_screenshots.py in a subprocess per size (an offscreen Kivy window cannot be resized in place):
``python -m tests.kiosk.screenshots --edge-url URL --data-dir DIR --size 800x480 --receipts DIR``.
Prints one JSON line: {"shots": [...], "problems": [...]}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import datetime, timedelta, timezone

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ["KIVY_NO_ARGS"] = "1"
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")  # tracebacks reach stderr, not a swallowed Kivy log
os.environ["KIVY_NO_CONSOLELOG"] = "1"
os.environ["KIVY_NO_FILELOG"] = "1"
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-home-"))

from tests.kiosk.harness import EdgeProcess, KioskDriver, start_kiosk

MIN_TARGET = 60  # px at 800x480 for any button; the main choices are far larger
MIN_KEY = 44  # px at 800x480 for a letter key of the on-screen keyboard (WCAG 2.5.5's 44 px)


def layout_problems(kiosk: KioskDriver, shot: str) -> list[str]:
    """Text that does not fit its widget, widgets outside the window, and touch targets that are too small."""
    from kivy.core.window import Window
    from kivy.uix.label import Label

    from kiosk.widgets import KButton

    problems: list[str] = []
    scale = kiosk.app.s

    def walk(widget) -> None:
        if widget.opacity == 0 or widget.height <= 0:
            return
        if isinstance(widget, Label) and widget.text and not widget.shorten:
            tw, th = widget.texture_size
            if (tw > widget.width + 2 or th > widget.height + 2) and not _inside_scrollview(widget):
                problems.append(f"{shot}: text cut off ({tw:.0f}x{th:.0f} in {widget.width:.0f}x"
                                f"{widget.height:.0f}): {widget.text[:40]!r}")
            x, y = widget.to_window(widget.x, widget.y)
            if not _inside_scrollview(widget) and (x < -1 or y < -1 or x + widget.width > Window.width + 1
                                                   or y + widget.height > Window.height + 1):
                problems.append(f"{shot}: outside the window: {widget.text[:40]!r}")
        if isinstance(widget, KButton) and not widget.disabled and \
                min(widget.width, widget.height) < _minimum(widget) * scale * 0.95:
            problems.append(f"{shot}: small target {widget.width:.0f}x{widget.height:.0f}: "
                            f"{widget.title[:30]!r}")
        for child in widget.children:
            walk(child)

    walk(kiosk.app.root)
    return problems


def _minimum(button) -> float:
    from kiosk.widgets import TextKeyboard

    parent = button.parent
    while parent is not None and parent is not parent.parent:
        if isinstance(parent, TextKeyboard):
            return MIN_KEY
        parent = parent.parent
    return MIN_TARGET


def _inside_scrollview(widget) -> bool:
    from kivy.uix.scrollview import ScrollView

    parent = widget.parent
    while parent is not None and parent is not parent.parent:
        if isinstance(parent, ScrollView):
            return True
        parent = parent.parent
    return False


def walk_screens(kiosk: KioskDriver, edge: EdgeProcess, only: set[str] | None = None) -> tuple[list[str], list[str]]:
    """Every screen in a resident's order; ``only`` limits which are saved and checked."""
    shots: list[str] = []
    problems: list[str] = []

    def shot(name: str) -> None:
        if only and name not in only:
            return
        kiosk.pump(0.1)
        shots.append(kiosk.screenshot(name))
        problems.extend(layout_problems(kiosk, name))

    rfid_resident = edge.residents(with_rfid=True)[0]
    pin_resident = edge.residents(with_pin=True)[0]

    shot("home")
    kiosk.tap_text("English")
    shot("home-en")
    kiosk.tap_text("Bahasa Indonesia")
    kiosk.tap_text("Ambil Nomor Antrian")
    kiosk.wait_until(lambda: kiosk.screen.services, what="services")
    kiosk.tap_text("Saya lansia")
    shot("queue")
    kiosk.set_printer("?delay=1.2")
    kiosk.tap_text("Administrasi Kependudukan")
    kiosk.wait_until(lambda: kiosk.app.root.ids.busy.opacity == 1, what="spinner")
    shot("busy")
    kiosk.wait_until(lambda: kiosk.current == "ticket", what="ticket")
    shot("ticket")
    kiosk.reset()
    kiosk.set_printer("?paper=out")
    kiosk.tap_text("Ambil Nomor Antrian")
    kiosk.wait_until(lambda: kiosk.screen.services, what="services")
    kiosk.tap_text("Surat Keterangan")
    kiosk.wait_until(lambda: kiosk.current == "ticket", what="ticket")
    shot("ticket-no-paper")
    kiosk.tap_text("Beranda")
    shot("home-no-receipts")
    kiosk.reset()

    kiosk.tap_text("Ajukan Surat")
    kiosk.screen.ids.keypad.value = pin_resident["nik"][:9]  # taps on keys are tested elsewhere; this is faster
    shot("identify-nik")
    kiosk.tap(kiosk.find(kiosk.screen.ids.keypad.ok_text))
    shot("identify-nik-error")
    kiosk.screen.ids.keypad.value = pin_resident["nik"]
    kiosk.tap(kiosk.find(kiosk.screen.ids.keypad.ok_text))
    kiosk.screen.ids.keypad.value = "0000"
    shot("identify-pin")
    kiosk.tap_text("Beranda")

    kiosk.scan(rfid_resident["rfid"])
    kiosk.wait_until(lambda: kiosk.app.resident_name, what="greeting")
    shot("home-greeted")
    kiosk.tap_text("Ajukan Surat")
    kiosk.wait_until(lambda: kiosk.screen.letter_types, what="letter types")
    shot("letters")
    kiosk.tap_text("Surat Keterangan Usaha")
    kiosk.screen.ids.keyboard.value = "WARUNG SRI"
    shot("letter-form")
    kiosk.tap_text("Lanjut")
    shot("letter-form-choices")  # "Keperluan": the common purposes first, one tap each
    kiosk.tap_text("Bank / kredit usaha")
    shot("letter-review")
    kiosk.tap_text("Kirim Permohonan")
    kiosk.wait_until(lambda: kiosk.current == "letter_done", what="letter sent")
    shot("letter-done")
    kiosk.tap_text("Beranda")
    kiosk.tap_text("Cek Status Surat")
    kiosk.wait_until(lambda: kiosk.current == "status" and kiosk.screen.letters, what="status")
    shot("status")
    kiosk.tap_text("Beranda")
    kiosk.tap_text("Informasi Desa")
    kiosk.wait_until(lambda: kiosk.screen.info, what="village information")
    info_shots(kiosk, shot, only)
    kiosk.advance(kiosk.app.settings.idle_timeout + 1)
    shot("countdown")
    kiosk.reset()

    kiosk.tap_text("Beri Nilai Layanan")
    kiosk.wait_until(lambda: any(s.get("emoji") for s in kiosk.screen.scores), what="survey question")
    shot("survey")
    kiosk.tap_text("Biasa saja")
    shot("survey-improve")
    kiosk.tap_text("Lewati")
    kiosk.wait_until(lambda: kiosk.screen.step == "thanks", what="survey thanks")
    shot("survey-thanks")
    kiosk.reset()

    client = kiosk.app.controller.client
    real_url, client.base_url = client.base_url, "http://127.0.0.1:9/api/v1"
    kiosk.tap_text("Ambil Nomor Antrian")
    kiosk.wait_until(lambda: kiosk.current == "offline", what="offline")
    shot("offline")
    client.base_url = real_url
    kiosk.wait_until(lambda: kiosk.current == "home", timeout=10, what="home again")
    return shots, problems


def info_shots(kiosk: KioskDriver, shot, only: set[str] | None) -> None:
    """The five information sections, each once its pictures are on screen (skipped when not asked for)."""

    def pictures_loaded() -> bool:
        pictures = [w for w in kiosk.screen.ids.content.walk() if hasattr(w, "loaded") and w.url]
        return kiosk.app.controller.pending == 0 and all(p.loaded == p.url for p in pictures)

    for tab, name in (("Pengumuman", "info"), ("Jam Layanan", "info-hours"), ("Kamera", "info-cameras"),
                      ("Tautan", "info-links"), ("Profil Desa", "info-profile")):
        if only and name not in only:
            continue
        kiosk.tap_text(tab)
        kiosk.wait_until(lambda: pictures_loaded() and "Sedang memuat..." not in kiosk.texts(), what=name)
        if name == "info-hours":  # a closed service as the edge sends it (the tests keep the demo's three open)
            opens = (datetime.now(timezone(timedelta(hours=7))) + timedelta(days=1)).strftime("%Y-%m-%dT08:00+07:00")
            kiosk.screen.info = dict(kiosk.screen.info, office_hours=kiosk.screen.info["office_hours"] + [
                {"service": "P", "name": "Pengaduan Warga", "days": "Senin-Jumat", "open": "08:00",
                 "close": "12:00", "open_now": False, "always_open": False, "opens_at": opens}])
            kiosk.screen.render()
        shot(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edge-url", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--size", default="800x480")
    parser.add_argument("--receipts", required=True)
    parser.add_argument("--only", default="", help="comma-separated screen names to save (default: all)")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.split("x"))
    edge = EdgeProcess(args.data_dir, port=int(args.edge_url.rsplit(":", 1)[1]))
    edge.load_demo()
    kiosk = start_kiosk(edge, args.receipts, width, height)
    try:
        shots, problems = walk_screens(kiosk, edge, set(filter(None, args.only.split(","))))
    finally:
        kiosk.close()
    print(json.dumps({"shots": shots, "problems": problems}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
