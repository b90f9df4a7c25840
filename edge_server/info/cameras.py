"""Public cameras: fetch each camera's picture on a schedule, keep the last good one in the data dir, and tell
kiosks and the board what to show, so a camera is hit by the edge server only, never by every kiosk.

Fetching is bounded everywhere: connect and read timeouts, a total deadline checked between reads, a size cap,
redirects followed only to http/https (at most 3), answers that are not pictures refused. An MJPEG stream is read
only until its first complete frame. `refresh_camera` and `refresh_due` are plain functions tests call directly;
`start_camera_refresher` runs them in a daemon thread and is started by `serve` only (never by `create_app`, so
tests, `sync --once` and the CLI never start a thread or touch the network).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import urllib3

from anjungan_core.files import atomic_write

from ..db import database
from ..models import Camera
from . import images
from .mjpeg import FrameError, FrameReader

log = logging.getLogger(__name__)

ALLOWED_SCHEMES = ("http", "https")
CHUNK = 64 * 1024
TICK_SECONDS = 5.0  # how often the refresher looks for cameras that are due
MIN_REFRESH_SECONDS = 10


class FetchError(Exception):
    """A camera did not give a picture this time; the message is short and safe to show an admin."""


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 3


def redact(url: str) -> str:
    """The URL without user and password, for logs and the admin page."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def check_url(url: str) -> str:
    """:raises FetchError: not an http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.hostname:
        raise FetchError(f"not an http(s) address: {parts.scheme or '?'}")
    return url


def _chunks(response: requests.Response, deadline: float):
    while True:
        if time.monotonic() > deadline:
            raise FetchError("took too long")
        chunk = response.raw.read1(CHUNK)
        if not chunk:
            return
        yield chunk


def _read_body(response: requests.Response, deadline: float, limits: FetchLimits) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(f"picture too large ({declared} bytes)")
    body = bytearray()
    for chunk in _chunks(response, deadline):
        body += chunk
        if len(body) > limits.max_bytes:
            raise FetchError("picture too large")
    return bytes(body)


def _read_first_frame(response: requests.Response, deadline: float, limits: FetchLimits) -> bytes:
    reader = FrameReader(limits.max_bytes)
    try:
        for chunk in _chunks(response, deadline):
            frame = reader.feed(chunk)
            if frame is not None:
                return frame
    except FrameError as exc:
        raise FetchError(str(exc)) from None
    raise FetchError("stream ended before a whole frame")


def fetch_image(url: str, limits: FetchLimits = FetchLimits()) -> bytes:
    """Fetch one picture from a camera (snapshot or MJPEG) and return it as a normalised JPEG.

    :raises FetchError: timeout, connection error, HTTP error, redirect elsewhere, not a picture, too large.
    """
    deadline = time.monotonic() + limits.total_timeout
    current = check_url(url)
    with requests.Session() as session:
        session.trust_env = False  # no proxies or .netrc credentials from the environment sent to cameras
        for _hop in range(limits.max_redirects + 1):
            try:
                response = session.get(current, stream=True, allow_redirects=False,
                                       timeout=(limits.connect_timeout, limits.read_timeout),
                                       headers={"Accept": "image/jpeg, multipart/x-mixed-replace, image/*"})
            except requests.Timeout:
                raise FetchError("no answer (timeout)") from None
            except requests.RequestException as exc:
                raise FetchError(f"cannot connect ({exc.__class__.__name__})") from None
            with response:
                if response.is_redirect:
                    current = check_url(urljoin(current, response.headers.get("Location", "")))
                    continue
                if response.status_code != 200:
                    raise FetchError(f"HTTP {response.status_code}")
                kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
                try:
                    if kind.startswith("multipart/"):
                        raw = _read_first_frame(response, deadline, limits)
                    elif kind.startswith("image/") or kind in ("", "application/octet-stream"):
                        raw = _read_body(response, deadline, limits)
                    else:
                        raise FetchError(f"not a picture ({kind})")
                except requests.RequestException as exc:
                    raise FetchError(f"connection broke ({exc.__class__.__name__})") from None
                except (urllib3.exceptions.HTTPError, OSError) as exc:  # raw reads raise urllib3's own errors
                    raise FetchError(f"no answer ({exc.__class__.__name__})") from None
            try:
                return images.normalise(raw, max_side=images.WIDTHS[-2])[0]
            except images.ImageError as exc:
                raise FetchError(str(exc)) from None
        raise FetchError("too many redirects")


def image_path(data_dir: str | Path, camera_id: int) -> Path:
    return images.info_dir(data_dir) / "cameras" / f"camera-{camera_id}.jpg"


def refresh_camera(camera: Camera, data_dir: str | Path, now: datetime, fetch=fetch_image) -> bool:
    """Fetch one camera now; keep the last good picture when it fails. Returns whether it worked.

    The network wait happens outside any database transaction; only the short row update writes.
    """
    try:
        picture = fetch(camera.url)
    except FetchError as exc:
        Camera.update(last_attempt_at=now, last_error=str(exc)[:250], failures=Camera.failures + 1).where(
            Camera.id == camera.id).execute()
        log.info("camera %d (%s): %s", camera.id, redact(camera.url), exc)
        return False
    atomic_write(image_path(data_dir, camera.id), picture)
    Camera.update(last_attempt_at=now, last_image_at=now, last_error="", failures=0).where(
        Camera.id == camera.id).execute()
    return True


def due(camera: Camera, now: datetime) -> bool:
    if camera.last_attempt_at is None:
        return True
    every = max(MIN_REFRESH_SECONDS, camera.refresh_seconds or 60)
    # After failures, wait longer (up to 10 minutes) so a dead camera is not hammered.
    every = min(every * (2 ** min(camera.failures, 4)), max(every, 600))
    return now - camera.last_attempt_at >= timedelta(seconds=every)


def refresh_due(data_dir: str | Path, now: datetime, fetch=fetch_image) -> int:
    """Fetch every active camera that is due; returns how many gave a picture."""
    cameras = [c for c in Camera.select().where(Camera.active == True) if due(c, now)]  # noqa: E712
    return sum(refresh_camera(c, data_dir, now, fetch) for c in cameras)


def is_available(camera: Camera, now: datetime) -> bool:
    """A camera is available while its last fetch worked and its picture is recent."""
    if camera.last_image_at is None or camera.failures:
        return False
    stale_after = max(300, 3 * max(MIN_REFRESH_SECONDS, camera.refresh_seconds or 60))
    return now - camera.last_image_at <= timedelta(seconds=stale_after)


class CameraRefresher:
    """The background loop: every TICK_SECONDS, fetch the cameras that are due. Stop with `stop()`."""

    def __init__(self, app):
        self.app = app
        self.stopped = threading.Event()

    def run_forever(self) -> None:
        cfg = self.app.extensions["edge_config"]
        clock = self.app.extensions["clock"]
        while not self.stopped.wait(TICK_SECONDS):
            try:
                database.connect(reuse_if_open=True)
                refresh_due(cfg.data_dir, clock.utcnow())
            except Exception:  # noqa: BLE001  (the loop must outlive one bad cycle; it is logged in full)
                log.exception("camera refresh cycle failed")
            finally:
                if not database.is_closed():
                    database.close()

    def stop(self) -> None:
        self.stopped.set()


def start_camera_refresher(app) -> CameraRefresher:
    """Start the camera thread (daemon: it never holds `serve` open). Called by `serve` only."""
    refresher = CameraRefresher(app)
    app.extensions["camera_refresher"] = refresher
    threading.Thread(target=refresher.run_forever, name="anjungan-cameras", daemon=True).start()
    return refresher
