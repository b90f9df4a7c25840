"""Pictures in the data dir: decode untrusted bytes safely, store them as plain JPEG, serve resized copies,
and sign media URLs so a browser (the TV board) can load them without a device token."""
from __future__ import annotations

import hashlib
import hmac
import io
import os
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from anjungan_core.files import atomic_write

# Only these decoders ever see uploaded bytes: never EPS (Ghostscript), PSD, TIFF, ICO, PDF or Pillow's other
# plugins, whatever the bytes claim to be.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
# A Raspberry Pi shares 1-4 GB with the kiosk: 16 MP (a 12 MP phone photo fits, 4000x4000 too) decodes to at most
# 64 MiB as RGBA; more is refused before decoding, from the header alone.
MAX_PIXELS = 16_000_000
STORE_SIDE = 1920  # longest side kept on disk
WIDTHS = (320, 480, 640, 800, 1280, 1920)  # resized copies are made in these widths only (a bounded cache)
JPEG_QUALITY = 82


class ImageError(ValueError):
    """Bytes that are not a picture we accept; the message is for logs and the admin page."""


def info_dir(data_dir: str | os.PathLike) -> Path:
    return Path(data_dir) / "info"


def normalise(data: bytes, max_side: int = STORE_SIDE) -> tuple[bytes, int, int]:
    """Decode `data` (JPEG, PNG or WebP only), turn by its EXIF, drop metadata, fit in `max_side`, as JPEG.

    A JPEG is decoded straight at a reduced scale (1/2 to 1/8) when that still covers `max_side`, so a phone
    photo never needs its full size in memory.

    :returns: (jpeg bytes, width, height)
    :raises ImageError: not one of the accepted formats, or more than `MAX_PIXELS`.
    """
    try:
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ImageError(f"image too large: {width}x{height}")
            if probe.format == "JPEG":
                probe.draft("RGB", (max_side, max_side))
            probe.load()
            probe.thumbnail((max_side, max_side))  # shrink first (the box is square, so turning does not matter)
            image = ImageOps.exif_transpose(probe)  # a copy of the small picture, turned upright
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError) as exc:
        if isinstance(exc, ImageError):
            raise
        raise ImageError(f"not an image: {exc.__class__.__name__}") from None
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), image.width, image.height


def pick_width(asked: int | None) -> int | None:
    """The smallest stored width at least `asked` (None: the stored original)."""
    if not asked or asked <= 0:
        return None
    return next((w for w in WIDTHS if w >= asked), None)


def resized(original: Path, width: int | None) -> Path:
    """A copy of `original` at most `width` wide, made once and kept beside it (`name.w480.jpg`).

    :raises FileNotFoundError: no original.
    """
    if width is None:
        return original
    target = original.with_name(f"{original.stem}.w{width}.jpg")
    if target.exists() and target.stat().st_mtime >= original.stat().st_mtime:
        return target
    with Image.open(original, formats=("JPEG",)) as image:  # our own normalised copy: JPEG only
        if image.width <= width:
            return original
        image = image.copy()
        image.thumbnail((width, width * 4))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    atomic_write(target, out.getvalue())
    return target


def drop_copies(original: Path) -> None:
    """Remove `original` and its resized copies."""
    original.unlink(missing_ok=True)
    for path in original.parent.glob(f"{original.stem}.w*.jpg"):
        path.unlink(missing_ok=True)


def media_signature(secret: str, kind: str, ident: int) -> str:
    """An unguessable, stable part of a media URL: HMAC of (kind, id) with the app's secret key."""
    return hmac.new(secret.encode(), f"media:{kind}:{ident}".encode(), hashlib.sha256).hexdigest()[:32]


def signature_ok(secret: str, kind: str, ident: int, given: str) -> bool:
    # compared as bytes: compare_digest refuses str with non-ASCII (a hostile URL), bytes never
    return hmac.compare_digest(media_signature(secret, kind, ident).encode(),
                               (given or "").encode("utf-8", "surrogatepass"))
