"""The board's voice: /display/calls/<ticket id>/audio.wav, a chime then espeak-ng, cached and made once."""
from __future__ import annotations

import io
import itertools
import logging
import stat
import threading
import wave
from pathlib import Path

import pytest

from edge_server import create_app
from edge_server.config import load_config
from edge_server.demo import seed_demo
from edge_server.display.voice import GAP_SECONDS, chime_samples


def make_app(tmp_path, clock, **overrides):
    cfg = load_config(None, data_dir=str(tmp_path / "edge"), village_code="33.17.09.2016",
                      village_name="Mojowarno", port=8080, host="127.0.0.1", **overrides)
    app = create_app(cfg, clock=clock)
    app.config["TESTING"] = True
    with app.app_context():
        seed_demo(cfg, clock, "http://127.0.0.1:8080")
    return app


def called_ticket(app, clock, counter=1, service="A"):
    """Issue a ticket and call it at `counter`, the way the staff console does."""
    from edge_server.queue import service as queue

    with app.app_context():
        ticket = queue.issue_ticket(service, clock=clock)
        assert queue.call_next(counter, clock=clock).id == ticket.id
    return ticket


def read_wav(data: bytes) -> tuple[wave._wave_params, bytes]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    with wave.open(io.BytesIO(data)) as w:
        return w.getparams(), w.readframes(w.getnframes())


def chime_seconds(rate: int) -> float:
    return len(chime_samples(rate)) / rate


def voice_files(app) -> list[Path]:
    return sorted(p for p in (Path(app.extensions["edge_config"].data_dir) / "voice").glob("*.wav")
                  if not p.name.startswith("."))


def test_audio_is_the_chime_then_the_spoken_call(app, client, clock):
    ticket = called_ticket(app, clock, counter=2)
    r = client.get(f"/display/calls/{ticket.id}/audio.wav")
    assert r.status_code == 200
    assert r.mimetype == "audio/wav"
    params, frames = read_wav(r.data)
    assert (params.nchannels, params.sampwidth) == (1, 2)
    chime = chime_samples(params.framerate).tobytes()
    assert frames.startswith(chime)  # the chime comes first, at the speech's own rate
    seconds = params.nframes / params.framerate
    # "Nomor antrian A satu, silakan menuju loket dua." takes espeak-ng well over two seconds at 140 wpm.
    assert seconds > chime_seconds(params.framerate) + GAP_SECONDS + 2.0
    speech = frames[len(chime) + int(GAP_SECONDS * params.framerate) * 2:]
    assert max(abs(int.from_bytes(speech[i:i + 2], "little", signed=True)) for i in range(0, len(speech), 2)) > 1000


def test_audio_is_cached_and_follows_the_latest_call(app, client, staff, clock):
    ticket = called_ticket(app, clock, counter=1)
    first = client.get(f"/display/calls/{ticket.id}/audio.wav").data
    assert client.get(f"/display/calls/{ticket.id}/audio.wav").data == first
    assert staff.post(f"/staff/api/tickets/{ticket.id}/recall").status_code == 200
    assert client.get(f"/display/calls/{ticket.id}/audio.wav").data == first  # same words: same file
    assert len(voice_files(app)) == 1
    # Transferred to C and called at counter 2: the latest call now says "loket dua".
    assert staff.post(f"/staff/api/tickets/{ticket.id}/transfer", json={"service": "C"}).status_code == 200
    assert staff.post("/staff/api/counters/2/call-next").get_json()["ticket"]["id"] == ticket.id
    second = client.get(f"/display/calls/{ticket.id}/audio.wav").data
    assert second != first
    voice = app.extensions["display_voice"]
    assert (voice.cache_dir / f"{voice.key('Nomor antrian A satu, silakan menuju loket dua.')}.wav").read_bytes() \
        == second
    assert len(voice_files(app)) == 2


def test_audio_404_for_unknown_or_never_called_ticket(app, client, kiosk):
    assert client.get("/display/calls/no-such-ticket/audio.wav").status_code == 404
    waiting = kiosk.post("/api/v1/tickets", json={"service": "A"}).get_json()["ticket"]
    r = client.get(f"/display/calls/{waiting['id']}/audio.wav")
    assert r.status_code == 404
    assert not r.is_json
    assert voice_files(app) == []


def test_concurrent_first_requests_run_espeak_once_and_make_one_file(tmp_path, clock):
    """GIVEN an espeak-ng that takes a while WHEN eight boards ask for the same new call at once THEN espeak-ng
    runs once, one file is written and all eight get the same complete WAV."""
    runs = tmp_path / "runs.log"
    slow = tmp_path / "slow-espeak"
    slow.write_text(f'#!/bin/sh\necho run >> "{runs}"\nsleep 0.4\nexec espeak-ng "$@"\n')
    slow.chmod(slow.stat().st_mode | stat.S_IEXEC)
    app = make_app(tmp_path, clock, espeak_command=str(slow))
    ticket = called_ticket(app, clock)
    barrier = threading.Barrier(8)
    answers: list = [None] * 8

    def board(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        r = client.get(f"/display/calls/{ticket.id}/audio.wav")
        answers[i] = (r.status_code, r.data)

    threads = [threading.Thread(target=board, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert {status for status, _data in answers} == {200}
    assert len({data for _status, data in answers}) == 1
    params, _frames = read_wav(answers[0][1])
    assert params.nframes / params.framerate > chime_seconds(params.framerate) + 2.0
    assert runs.read_text().count("run") == 1
    assert app.extensions["display_voice"].synth_runs == 1
    assert len(voice_files(app)) == 1
    assert [p.name for p in (tmp_path / "edge" / "voice").iterdir() if p.name.startswith(".")] == []


def test_without_espeak_the_board_gets_the_chime_alone_and_one_warning(tmp_path, clock, caplog):
    app = make_app(tmp_path, clock, espeak_command=str(tmp_path / "no-espeak-here"))
    client = app.test_client()
    first, second = called_ticket(app, clock), called_ticket(app, clock, counter=2)
    with caplog.at_level(logging.WARNING, logger="edge_server.display.voice"):
        answers = [client.get(f"/display/calls/{t.id}/audio.wav") for t in (first, second, first)]
    for r in answers:
        assert r.status_code == 200
        params, frames = read_wav(r.data)
        assert frames == chime_samples(params.framerate).tobytes()
    warnings = [rec for rec in caplog.records if rec.levelno == logging.WARNING]
    assert len(warnings) == 1 and "no-espeak-here" in warnings[0].getMessage()
    assert voice_files(app) == []  # nothing cached: installing espeak-ng later gives the voice at once


def test_a_failing_espeak_falls_back_to_the_chime(tmp_path, clock):
    broken = tmp_path / "broken-espeak"
    broken.write_text("#!/bin/sh\necho 'no voice' >&2\nexit 1\n")
    broken.chmod(broken.stat().st_mode | stat.S_IEXEC)
    app = make_app(tmp_path, clock, espeak_command=str(broken))
    ticket = called_ticket(app, clock)
    r = app.test_client().get(f"/display/calls/{ticket.id}/audio.wav")
    params, frames = read_wav(r.data)
    assert frames == chime_samples(params.framerate).tobytes()


@pytest.mark.parametrize("rate", [16000, 22050, 44100])
def test_chime_is_two_tones_without_clipping(rate):
    samples = chime_samples(rate)
    assert 0.6 < len(samples) / rate < 1.2
    assert max(abs(s) for s in samples) < 32767
    # Two tones: the first half rings higher (more zero crossings per second) than the second.
    def crossings(part):
        return sum(1 for a, b in itertools.pairwise(part) if (a < 0) != (b < 0)) / (len(part) / rate)
    cut = int(rate * 0.32)
    high, low = crossings(samples[:cut]), crossings(samples[cut:])
    assert high > low * 1.2
