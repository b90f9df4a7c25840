"""Public cameras: fetching from a real local HTTP server (good, failing, hanging, lying), MJPEG frames, the
cache the kiosk API serves."""
from __future__ import annotations

import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from edge_server.info import cameras as cams
from edge_server.info.mjpeg import FrameError, FrameReader, first_frame, jpeg_end
from edge_server.models import Camera

FAST = cams.FetchLimits(connect_timeout=1.0, read_timeout=0.5, total_timeout=3.0, max_bytes=512 * 1024)


def jpeg(color: str = "red", size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def with_exif_thumbnail(picture: bytes) -> bytes:
    """The picture with an APP1 segment that holds a whole small JPEG (as EXIF thumbnails do)."""
    payload = b"Exif\x00\x00" + jpeg("blue", (8, 8))
    app1 = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
    return picture[:2] + app1 + picture[2:]


class Camera_:
    """A scripted camera on 127.0.0.1: `mode` says what the next request gets."""

    def __init__(self):
        self.mode = "jpeg"
        self.picture = jpeg()
        self.hits = 0
        self.release = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                owner.hits += 1
                getattr(owner, "serve_" + owner.mode.replace("-", "_"))(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/snapshot.jpg"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _send(self, h, status, kind, body):
        h.send_response(status)
        h.send_header("Content-Type", kind)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def serve_jpeg(self, h):
        self._send(h, 200, "image/jpeg", self.picture)

    def serve_fail(self, h):
        self._send(h, 500, "text/plain", b"camera error")

    def serve_html(self, h):
        self._send(h, 200, "text/html", b"<html><body>Login</body></html>")

    def serve_not_an_image(self, h):
        self._send(h, 200, "image/jpeg", b"this is no jpeg at all" * 10)

    def serve_hang(self, h):
        self.release.wait(30)  # answers nothing until the test ends

    def serve_hang_body(self, h):
        h.send_response(200)
        h.send_header("Content-Type", "image/jpeg")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        h.wfile.write(self.picture[:100])
        h.wfile.flush()
        self.release.wait(30)

    def serve_huge(self, h):
        self._send(h, 200, "image/jpeg", b"\xff\xd8" + b"\x00" * (FAST.max_bytes + 10))

    def serve_redirect_file(self, h):
        h.send_response(302)
        h.send_header("Location", "file:///etc/passwd")
        h.end_headers()

    def serve_redirect_http(self, h):
        self.mode = "jpeg"
        h.send_response(302)
        h.send_header("Location", "/elsewhere.jpg")
        h.end_headers()

    def serve_mjpeg(self, h):
        """An endless multipart stream, as IP cameras send it; only the first frame must be read."""
        h.send_response(200)
        h.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
        h.end_headers()
        try:
            for n in range(1000):
                frame = self.picture if n == 0 else jpeg("green")
                h.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: "
                              + str(len(frame)).encode() + b"\r\n\r\n" + frame + b"\r\n")
                h.wfile.flush()
                if self.release.wait(0.05):
                    return
        except (BrokenPipeError, ConnectionResetError):
            return

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def camera_server():
    server = Camera_()
    yield server
    server.close()


# ---- MJPEG frames (pure) ----------------------------------------------------------------------------------

def test_first_frame_of_a_multipart_stream_fed_in_small_chunks():
    one, two = jpeg("red"), jpeg("green")
    stream = (b"--frame\r\nContent-Type: image/jpeg\r\n\r\n" + one + b"\r\n--frame\r\nContent-Type: image/jpeg"
              b"\r\n\r\n" + two + b"\r\n")
    reader = FrameReader()
    frames = [reader.feed(stream[i:i + 7]) for i in range(0, len(stream), 7)]
    found = [f for f in frames if f is not None]
    assert found[0] == one


def test_an_exif_thumbnail_does_not_end_the_frame_early():
    picture = with_exif_thumbnail(jpeg("red"))
    assert first_frame(b"garbage\xff\xd8 not a jpeg " + picture + jpeg("green")) == picture
    assert Image.open(io.BytesIO(picture)).size == (64, 48)


def test_incomplete_frame_waits_and_a_stream_without_frames_gives_up():
    picture = jpeg()
    assert jpeg_end(picture[:-10], 0) is None
    assert jpeg_end(picture, 0) == len(picture)
    reader = FrameReader(max_bytes=1000)
    assert reader.feed(b"\x00" * 600) is None
    with pytest.raises(FrameError):
        reader.feed(b"\x00" * 600)


# ---- fetching from a real HTTP server ---------------------------------------------------------------------

def test_fetch_snapshot_and_mjpeg(camera_server):
    picture = cams.fetch_image(camera_server.url, FAST)
    assert Image.open(io.BytesIO(picture)).size == (64, 48)
    camera_server.mode = "mjpeg"
    started = time.monotonic()
    frame = cams.fetch_image(camera_server.url, FAST)
    assert Image.open(io.BytesIO(frame)).getpixel((10, 10))[0] > 200  # the first (red) frame
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("mode, reason", [
    ("fail", "HTTP 500"), ("html", "not a picture (text/html)"), ("not-an-image", "not an image"),
    ("redirect-file", "not an http(s) address"), ("huge", "too large"),
])
def test_fetch_refuses_what_is_not_a_picture(camera_server, mode, reason):
    camera_server.mode = mode
    with pytest.raises(cams.FetchError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        cams.fetch_image(camera_server.url, FAST)


def test_fetch_follows_a_redirect_to_http(camera_server):
    camera_server.mode = "redirect-http"
    assert cams.fetch_image(camera_server.url, FAST)[:2] == b"\xff\xd8"


@pytest.mark.parametrize("mode", ["hang", "hang-body"])
def test_a_hanging_camera_times_out(camera_server, mode):
    camera_server.mode = mode
    started = time.monotonic()
    with pytest.raises(cams.FetchError, match="no answer|took too long|connection broke"):
        cams.fetch_image(camera_server.url, FAST)
    assert time.monotonic() - started < FAST.read_timeout + FAST.total_timeout


def test_unreachable_camera_and_other_schemes_fail_fast():
    with pytest.raises(cams.FetchError):
        cams.fetch_image("http://127.0.0.1:9/x.jpg", FAST)  # discard port: refused
    with pytest.raises(cams.FetchError, match="not an http"):
        cams.fetch_image("ftp://127.0.0.1/x.jpg", FAST)


# ---- cache and kiosk API ----------------------------------------------------------------------------------

def test_kiosk_sees_the_last_good_picture_when_the_camera_fails_then_hangs(app, kiosk, client, clock, travel,
                                                                         camera_server):
    """GIVEN a camera that answered once WHEN it then fails and hangs THEN kiosks keep its last picture, marked
    unavailable with its time, and never get an error."""
    data_dir = app.extensions["edge_config"].data_dir

    def fetch(url):
        return cams.fetch_image(url, FAST)

    with app.app_context():
        camera = Camera.create(name="Simpang Kaliori", location="Jl. Raya Rembang", url=camera_server.url,
                               refresh_seconds=60)
        assert cams.refresh_due(data_dir, clock.utcnow(), fetch) == 1
    listed = kiosk.get("/api/v1/cameras").get_json()["cameras"]
    assert listed[0]["available"] is True and listed[0]["name"] == "Simpang Kaliori"
    assert camera_server.url not in str(listed)  # the camera's own address never reaches a kiosk
    first = client.get(listed[0]["image_url"])  # no token, no camera access
    assert first.status_code == 200 and first.mimetype == "image/jpeg"
    good_time = listed[0]["updated_at"]
    hits = camera_server.hits
    for _ in range(3):  # many kiosks asking never reach the camera
        kiosk.get("/api/v1/cameras")
        client.get(listed[0]["image_url"])
    assert camera_server.hits == hits

    camera_server.mode = "fail"
    travel(seconds=61)
    with app.app_context():
        assert cams.refresh_due(data_dir, clock.utcnow(), fetch) == 0
    shown = kiosk.get("/api/v1/cameras").get_json()["cameras"][0]
    assert shown["available"] is False and shown["updated_at"] == good_time
    assert shown["message"].startswith("Kamera tidak tersedia. Gambar terakhir")
    assert client.get(shown["image_url"]).data == first.data

    camera_server.mode = "hang"
    travel(seconds=600)
    with app.app_context():
        assert cams.refresh_due(data_dir, clock.utcnow(), fetch) == 0
        row = Camera.get_by_id(camera.id)
        assert row.failures == 2 and row.last_error
    shown = kiosk.get("/api/v1/cameras").get_json()["cameras"][0]
    assert shown["available"] is False and client.get(shown["image_url"]).status_code == 200

    camera_server.mode, camera_server.picture = "jpeg", jpeg("yellow")
    travel(seconds=600)
    with app.app_context():
        assert cams.refresh_due(data_dir, clock.utcnow(), fetch) == 1
    shown = kiosk.get("/api/v1/cameras").get_json()["cameras"][0]
    assert shown["available"] is True and shown["updated_at"] != good_time


def test_a_camera_without_any_picture_yet_is_listed_as_unavailable(app, kiosk):
    with app.app_context():
        Camera.create(name="Pasar", url="http://127.0.0.1:9/x.jpg")
    shown = kiosk.get("/api/v1/cameras").get_json()["cameras"][0]
    assert (shown["available"], shown["image_url"], shown["updated_at"]) == (False, None, None)
    assert shown["message"] == "Kamera tidak tersedia."


def test_a_failing_camera_is_asked_less_often():
    from datetime import datetime, timedelta

    now = datetime(2026, 4, 6, 1, 0)
    cam = Camera(refresh_seconds=60, last_attempt_at=now - timedelta(seconds=90), failures=0)
    assert cams.due(cam, now)
    cam.failures = 3  # 60 s doubled three times: 480 s
    assert not cams.due(cam, now) and cams.due(cam, now + timedelta(seconds=400))


def test_create_app_starts_no_camera_thread(app):
    assert "camera_refresher" not in app.extensions
    assert not any(t.name == "anjungan-cameras" for t in threading.enumerate())


def test_redact_hides_camera_credentials():
    assert cams.redact("http://admin:rahasia@10.0.0.5:8080/snap.jpg?token=x") == "http://10.0.0.5:8080/snap.jpg"
