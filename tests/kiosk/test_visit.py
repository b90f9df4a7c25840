"""The shape of a visit: timed returns, the idle countdown, language, and no way out of the app."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.edge


def test_ticket_screen_returns_home_by_itself(kiosk):
    kiosk.tap_text("Ambil Nomor Antrian")
    kiosk.wait_until(lambda: kiosk.screen.services, what="services")
    kiosk.tap_text("Surat Keterangan")
    kiosk.wait_until(lambda: kiosk.current == "ticket", what="ticket screen")
    kiosk.advance(9)
    assert kiosk.current == "ticket"
    kiosk.advance(1.5, until=lambda: kiosk.current == "home", what="home")


def test_idle_countdown_warns_then_keeps_going_on_a_touch(kiosk):
    kiosk.tap_text("Informasi Desa")
    countdown = kiosk.app.root.ids.countdown
    kiosk.advance(44)
    assert countdown.opacity == 0
    kiosk.advance(2)
    assert countdown.opacity == 1
    assert 15 <= countdown.seconds <= 20
    assert "Kembali ke awal dalam" in kiosk.texts()
    kiosk.tap_text("Masih di sini")
    assert countdown.opacity == 0 and kiosk.current == "info"
    kiosk.advance(46 + 20, until=lambda: kiosk.current == "home", what="home")


def test_priority_ticket_takes_one_more_tap(kiosk):
    kiosk.tap_text("Ambil Nomor Antrian")
    kiosk.wait_until(lambda: kiosk.screen.services, what="services")
    kiosk.tap_text("Saya lansia")
    assert "Prioritas dipilih" in kiosk.texts()
    kiosk.tap_text("Administrasi Kependudukan")
    kiosk.wait_until(lambda: kiosk.current == "ticket", what="ticket screen")
    assert kiosk.taps == 3
    assert kiosk.screen.result.ticket["priority"] is True


def test_english_then_back_to_indonesian_for_the_next_resident(kiosk):
    kiosk.tap_text("English")
    assert kiosk.find("Take a Queue Number")
    assert "Scan your card" in kiosk.texts()
    kiosk.advance(46 + 20)
    assert kiosk.find("Ambil Nomor Antrian")


def test_escape_and_other_keys_do_not_leave_the_app(kiosk):
    from kivy.core.window import Window

    for key in (27, 282, 9):  # Escape, F1 (Kivy settings), Tab
        assert Window.dispatch("on_keyboard", key, 0, None, []) is True
    kiosk.pump(0.1)
    assert kiosk.app.root.get_root_window() is not None
    assert kiosk.current == "home"


def test_the_home_screen_can_be_read_aloud(kiosk):
    """For residents who cannot read: "Dengarkan" speaks the home screen with the offline Indonesian voice."""
    import os
    import wave

    kiosk.tap_text("Dengarkan")
    speaker = kiosk.app.speaker
    path = kiosk.wait_until(lambda: speaker.directory and os.path.exists(os.path.join(speaker.directory,
                                                                                       "prompt-id.wav"))
                            and os.path.join(speaker.directory, "prompt-id.wav"), what="the spoken prompt")
    kiosk.wait_until(lambda: kiosk.app.controller.pending == 0, what="speech done")
    with wave.open(path) as speech:
        assert speech.getnframes() / speech.getframerate() > 3
    assert kiosk.current == "home"


def test_without_espeak_there_is_no_listen_button_and_nothing_breaks(kiosk):
    from kiosk.sound import Speaker

    speaker = Speaker(command="no-such-espeak")
    assert not speaker.available and speaker.make_wav("halo", "id") is None
