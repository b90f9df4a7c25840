"""Finding whole JPEG frames in bytes: a pure parser for MJPEG streams (multipart or bare concatenated JPEGs).

A frame ends at the EOI marker of *its own* structure: the parser walks the JPEG segments by their lengths, so
an EXIF thumbnail's EOI inside APP1 does not end the frame early, and scans entropy-coded data honouring byte
stuffing (FF 00) and restart markers (FF D0-D7).
"""
from __future__ import annotations

SOI = b"\xff\xd8"
EOI = 0xD9
SOS = 0xDA
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RST0-7 carry no length


class FrameError(ValueError):
    """The bytes after an SOI are not a JPEG."""


def jpeg_end(buf: bytes | bytearray, start: int) -> int | None:
    """Index just past the EOI of the JPEG that begins with SOI at `start`; None when `buf` ends first.

    :raises FrameError: a marker or segment length that no JPEG has.
    """
    if buf[start:start + 2] != SOI:
        raise FrameError("no SOI")
    pos = start + 2
    n = len(buf)
    while True:
        # Between segments: one or more 0xFF fill bytes, then a marker.
        if pos >= n:
            return None
        if buf[pos] != 0xFF:
            raise FrameError(f"expected a marker at {pos - start}")
        while pos < n and buf[pos] == 0xFF:
            pos += 1
        if pos >= n:
            return None
        marker = buf[pos]
        pos += 1
        if marker == EOI:
            return pos
        if marker in _STANDALONE or marker == 0xD8:
            continue
        if pos + 2 > n:
            return None
        length = (buf[pos] << 8) | buf[pos + 1]
        if length < 2:
            raise FrameError(f"segment length {length}")
        pos += length
        if marker == SOS:
            end = _entropy_end(buf, pos)
            if end is None:
                return None
            pos = end


def _entropy_end(buf: bytes | bytearray, pos: int) -> int | None:
    """Index of the marker that ends entropy-coded data starting at `pos` (skipping FF00 and RSTn)."""
    n = len(buf)
    while True:
        found = buf.find(b"\xff", pos)
        if found < 0 or found + 1 >= n:
            return None
        following = buf[found + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos = found + 1 if following == 0xFF else found + 2
            continue
        return found


class FrameReader:
    """Feed it chunks of a stream; `feed` returns the first complete JPEG frame once there is one.

    :param max_bytes: how much may be buffered before giving up (a stream that never yields a frame).
    """

    def __init__(self, max_bytes: int = 4 * 1024 * 1024):
        self.max_bytes = max_bytes
        self.buffer = bytearray()
        self.seen = 0

    def feed(self, chunk: bytes) -> bytes | None:
        """:raises FrameError: over `max_bytes` without a frame."""
        self.seen += len(chunk)
        self.buffer += chunk
        while True:
            start = self.buffer.find(SOI + b"\xff")
            if start < 0:
                # Keep one byte: an SOI may straddle two chunks.
                del self.buffer[:max(0, len(self.buffer) - 2)]
                break
            if start:
                del self.buffer[:start]
            try:
                end = jpeg_end(self.buffer, 0)
            except FrameError:
                del self.buffer[:2]  # a false SOI inside multipart headers or garbage: look further
                continue
            if end is not None:
                return bytes(self.buffer[:end])
            break
        if self.seen > self.max_bytes:
            raise FrameError(f"no complete frame in {self.max_bytes} bytes")
        return None


def first_frame(data: bytes, max_bytes: int = 4 * 1024 * 1024) -> bytes | None:
    """The first complete JPEG in `data` (for tests and for bodies read whole)."""
    return FrameReader(max_bytes).feed(data)
