"""The TV queue board, its event stream and its Indonesian voice."""
from __future__ import annotations

import atexit
from pathlib import Path


def init_app(app, csrf) -> None:
    """Register the board, its event stream and the voice files (no login: the TV is public)."""
    from .stream import HEARTBEAT_SECONDS, MAX_STREAM_SECONDS, POLL_SECONDS, StreamHub
    from .views import display
    from .voice import VoiceMaker

    cfg = app.extensions["edge_config"]
    hub = StreamHub(max_streams=max(2, cfg.threads // 3))  # leave most worker threads to staff and kiosks
    app.extensions["display_streams"] = hub
    app.extensions.setdefault("display_stream_options", {
        "poll": POLL_SECONDS, "heartbeat": HEARTBEAT_SECONDS, "max_seconds": MAX_STREAM_SECONDS})
    app.extensions["display_voice"] = VoiceMaker(Path(cfg.data_dir) / "voice", cfg.espeak_command, cfg.voice)
    atexit.register(hub.stop)  # a stream must never keep a stopping server alive
    csrf.exempt(display)
    app.register_blueprint(display)


def stop_streams(app) -> None:
    """End every board stream within one poll (call before stopping the WSGI server)."""
    app.extensions["display_streams"].stop()
