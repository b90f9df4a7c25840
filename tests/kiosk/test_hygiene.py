"""Kiosk hygiene that needs no screen: the Kivy settings for a locked-down touchscreen, logs without NIKs,
and tones that can never break the app."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import wave

from kiosk.__main__ import RedactNik
from kiosk.sound import TONES, Sounds, write_tone


def test_locked_down_kivy_settings():
    """One input provider per touch device, no exit on Escape, full screen without a cursor."""
    code = (
        "import json, os\n"
        "from kiosk.config import KioskConfig\n"
        "from kiosk.__main__ import configure_kivy\n"
        "configure_kivy(KioskConfig(rotation=90))\n"
        "from kivy.config import Config\n"
        "print(json.dumps({'input': dict(Config.items('input')), 'escape': Config.get('kivy', 'exit_on_escape'),"
        " 'fullscreen': Config.get('graphics', 'fullscreen'), 'cursor': Config.get('graphics', 'show_cursor'),"
        " 'rotation': Config.get('graphics', 'rotation'), 'touch_mouse': os.environ['SDL_TOUCH_MOUSE_EVENTS']}))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"KIVY_NO_CONSOLELOG": "1", "KIVY_NO_FILELOG": "1", "PATH": "/usr/bin:/bin",
                              "HOME": "/tmp"})
    settings = json.loads(run.stdout.strip().splitlines()[-1])
    assert settings["input"] == {"mouse": "mouse,disable_on_activity,disable_multitouch",
                                 "%(name)s": "probesysfs,provider=hidinput"}
    assert settings["escape"] == "0" and settings["fullscreen"] == "auto" and settings["cursor"] == "0"
    assert settings["rotation"] == "90" and settings["touch_mouse"] == "0"


def test_log_lines_never_carry_a_full_nik(caplog):
    logger = logging.getLogger("kiosk.test")
    logger.addFilter(RedactNik())
    with caplog.at_level(logging.INFO):
        logger.info("scan %s from %s", "3317094503900001", "evdev")
    assert "3317094503900001" not in caplog.text
    assert "3317********0001" in caplog.text


def test_tones_are_short_valid_wav_files(tmp_path):
    for name, notes in TONES.items():
        path = write_tone(str(tmp_path / f"{name}.wav"), notes)
        with wave.open(path) as wav:
            seconds = wav.getnframes() / wav.getframerate()
        assert 0.05 < seconds < 0.5


def test_a_broken_audio_backend_never_reaches_the_resident(monkeypatch, tmp_path):
    from kivy.core.audio import SoundLoader

    def broken(_path):
        raise RuntimeError("no mixer")

    monkeypatch.setattr(SoundLoader, "load", broken)
    sounds = Sounds(True, str(tmp_path))
    sounds.play("scan")
    sounds.play("printed")
    assert sounds._broken
