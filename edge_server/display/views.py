"""The TV board: /display (page), /display/state (JSON), /display/events (SSE), and the voice of each call."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, send_file

from .. import ratelimit
from ..api.devices import PAIR_TRIES_PER_10_MIN
from ..db import database
from ..devices import device_for_token, pair, revoke
from ..errors import ApiError
from ..inputs import bounded_int
from ..models import CallEvent
from . import board
from .stream import BLIND_HEARTBEAT_SECONDS, DatabaseWatch, call_stream, peer_gone

display = Blueprint("display", __name__, url_prefix="/display")


def _clock():
    return current_app.extensions["clock"]


BOARD_COOKIE = "anjungan_board"
LOCAL_ADDRESSES = ("127.0.0.1", "::1")  # a TV on the edge's own HDMI port


def is_board() -> bool:
    """The real TV board: this machine itself, or a browser holding a paired display device's token."""
    if request.remote_addr in LOCAL_ADDRESSES:
        return True
    token = request.cookies.get(BOARD_COOKIE, "")
    if not token or len(token) > 100 or not token.isascii():
        return False
    device = device_for_token(token)
    return device is not None and device.kind == "display"


def _pair_board(code: str):
    """`/display?pair=CODE`: a display pairing code made in the console turns this browser into the board."""
    now = _clock().utcnow()
    key = f"pair:{request.remote_addr}"
    if not ratelimit.hit(key, PAIR_TRIES_PER_10_MIN, timedelta(minutes=10), now):
        abort(429)
    try:
        device, token = pair(code.strip()[:40], "Papan antrean (TV)", now)
    except ApiError:
        abort(403)
    if device.kind != "display":
        revoke(device.id, now)  # a kiosk code is no board's
        abort(403)
    ratelimit.refund(key)
    response = redirect("/display")
    response.set_cookie(BOARD_COOKIE, token, max_age=10 * 365 * 86400, httponly=True, samesite="Lax",
                        secure=request.is_secure)
    return response


@display.get("")
@display.get("/")
def board_page():
    """The board: current call per counter, the last calls, announcements, clock; it updates itself."""
    if request.args.get("pair"):
        return _pair_board(request.args["pair"])
    cfg = current_app.extensions["edge_config"]
    state = board.board_state(_clock())
    return render_template("display/board.html", state=state,
                           village=board.village_name(cfg.village_name))


@display.get("/state")
def board_state():
    """The board's whole state as JSON, for a board that (re)connects."""
    response = current_app.json.response(board.board_state(_clock()))
    response.cache_control.no_store = True
    return response


def _asked_last_id() -> int | None:
    """Last-Event-ID (a reconnecting EventSource) wins over ?after= (a board that re-created its stream)."""
    for raw in (request.headers.get("Last-Event-ID"), request.args.get("after")):
        number = bounded_int(raw)
        if number is not None:
            return number
    return None


def _poller(database_path):
    """The stream's `fetch_after`: queries only when the database file moved, with a connection per query."""
    watch = DatabaseWatch(database_path)

    def fetch_after(last_id: int) -> list[dict]:
        if not watch.changed():
            return []
        # A connection per poll: the stream never pins one of SQLite's connections between polls.
        with database.connection_context():
            return board.events_after(last_id)

    return fetch_after


@display.get("/events")
def events():
    """Calls as server-sent events, starting after Last-Event-ID (or ?after=), else with the next call."""
    hub = current_app.extensions["display_streams"]
    client = request.remote_addr or ""
    if hub.stopping.is_set() or not hub.try_open(client, board=is_board()):
        response = Response("too many board streams\n", status=503, mimetype="text/plain")
        response.headers["Retry-After"] = "5"
        return response
    start = board.resume_point(_asked_last_id(), board.last_event_id())
    options = dict(current_app.extensions["display_stream_options"])
    gone = peer_gone(request.environ)
    if gone is None:  # no hang-up test here: frequent heartbeats find a client that left
        options["heartbeat"] = min(options["heartbeat"], BLIND_HEARTBEAT_SECONDS)
    fetch_after = _poller(current_app.extensions["edge_config"].database_path)
    response = Response(call_stream(fetch_after, start, hub, gone=gone or (lambda: False), **options),
                        mimetype="text/event-stream")
    response.call_on_close(hub.closer(client))
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # if a reverse proxy sits in front, do not buffer the stream
    return response


@display.get("/calls/<ticket_id>/audio.wav")
def call_audio(ticket_id: str):
    """The chime and the Indonesian sentence of this ticket's latest call (404 if never called)."""
    event = (CallEvent.select().where(CallEvent.ticket == ticket_id[:64])
             .order_by(CallEvent.id.desc()).first())
    if event is None:
        abort(404)
    sound = current_app.extensions["display_voice"].sound(board.spoken_text(event))
    if sound.path is not None:
        response = send_file(sound.path, mimetype="audio/wav", conditional=True, max_age=0)
    else:
        response = Response(sound.data, mimetype="audio/wav")
    response.cache_control.no_cache = True  # a recall after a transfer says another counter: always revalidate
    return response
