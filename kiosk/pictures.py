"""Pictures for the information screens (camera snapshots, announcement pictures, QR codes) and the link receipt.

Decoding happens in a worker with Pillow; the UI thread only copies the finished RGBA pixels into a texture,
so a large JPEG never stalls a touch. No Kivy here.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

MAX_SIDE = 1280  # larger pictures are scaled down before they become textures


@dataclass(frozen=True)
class Picture:
    """Decoded pixels, top row first, ready for ``Texture.blit_buffer`` (flipped there)."""

    width: int
    height: int
    rgba: bytes
    sharp: bool = False  # a QR code: scale without smoothing


def decode_picture(data: bytes) -> Picture:
    """JPEG or PNG bytes to RGBA pixels. :raises ValueError: not a picture Pillow can read."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            sharp = image.format == "PNG" and image.mode in ("1", "L", "P")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(f"not a picture: {exc}") from exc
    return Picture(rgba.width, rgba.height, rgba.tobytes(), sharp)


class PictureCache:
    """The last few decoded pictures by URL (a camera gallery and one screen of announcements)."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._items: OrderedDict[str, Picture] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str) -> Picture | None:
        with self._lock:
            picture = self._items.get(url)
            if picture is not None:
                self._items.move_to_end(url)
            return picture

    def put(self, url: str, picture: Picture) -> None:
        with self._lock:
            self._items[url] = picture
            self._items.move_to_end(url)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def link_receipt(link: dict[str, Any]) -> Any:
    """The receipt for a take-home link, mapped one to one from the edge's ``receipt`` block
    (docs/info-api.md): the title in bold, the description when there is one, the QR code, the URL."""
    from drivers.receipt import QrCode, Receipt, Text

    block = link.get("receipt") or {}
    title = block.get("title") or link.get("title", "")
    url = block.get("url") or link.get("url", "")
    receipt = Receipt(title=f"tautan {title}")
    receipt.add(Text(title, bold=True, align="center"))
    text = block.get("text", link.get("description", ""))
    if text:
        receipt.add(Text(text))
    receipt.add(QrCode(block.get("qr") or url), Text(url, align="center"))
    return receipt
