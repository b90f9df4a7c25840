"""Render a :class:`Receipt` to ESC/POS bytes for one printer profile.

Only commands every ESC/POS printer of the POS-5890 and TM-T20/T88 class understands are used; style commands
are sent only when the style changes, so a native queue ticket stays well under 1 KiB.
"""

from __future__ import annotations

from PIL import Image

from drivers.profiles import PrinterProfile
from drivers.receipt.model import (
    Barcode,
    BigNumber,
    Feed,
    KeyValue,
    ProfileInfo,
    QrCode,
    Receipt,
    Separator,
    Text,
)
from drivers.receipt.text import clean_text, encode_text, key_value_lines, wrap

ESC = b"\x1b"
GS = b"\x1d"
INIT = ESC + b"@"
LF = b"\n"
_ALIGN = {"left": 0, "center": 1, "right": 2}
CUT_FEED_LINES = 4  # blank lines between the last text and the cutter or tear bar
RASTER_BAND = 128  # rows per GS v 0 command; some cheap printers drop taller images


class _Writer:
    """Accumulates commands, sending a style command only when the style changes."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.out = bytearray(INIT)
        self.out += ESC + b"t" + bytes([profile.code_page_number])
        self.align, self.bold, self.size = 0, False, (1, 1)

    def style(self, *, align: str = "left", bold: bool = False, width: int = 1, height: int = 1) -> None:
        a = _ALIGN.get(align, 0)
        if a != self.align:
            self.out += ESC + b"a" + bytes([a])
            self.align = a
        if bold != self.bold:
            self.out += ESC + b"E" + bytes([1 if bold else 0])
            self.bold = bold
        size = (max(1, min(8, width)), max(1, min(8, height)))
        if size != self.size:
            self.out += GS + b"!" + bytes([(size[0] - 1) << 4 | (size[1] - 1)])
            self.size = size

    def line(self, text: str) -> None:
        self.out += encode_text(text, self.profile.codec).rstrip(b" ") + LF

    def feed(self, lines: int) -> None:
        lines = max(0, min(255, lines))
        if lines == 1:
            self.out += LF
        elif lines:
            self.out += ESC + b"d" + bytes([lines])


def qr_module_size(payload: str, dots: int) -> int:
    """Dots per QR module: about half the paper width, between 3 and 8."""
    import segno

    modules = segno.make(payload, error="m", micro=False).symbol_size(border=0)[0]
    return max(3, min(8, (dots // 2) // modules))


def native_qr(payload: str, module: int) -> bytes:
    """GS ( k: QR model 2, module size, error correction M, store, print."""
    data = payload.encode("utf-8")
    store_len = len(data) + 3
    return (
        GS
        + b"(k\x04\x00\x31\x41\x32\x00"
        + GS
        + b"(k\x03\x00\x31\x43"
        + bytes([module])
        + GS
        + b"(k\x03\x00\x31\x45\x31"
        + GS
        + b"(k"
        + bytes([store_len & 0xFF, store_len >> 8])
        + b"\x31\x50\x30"
        + data
        + GS
        + b"(k\x03\x00\x31\x51\x30"
    )


def qr_image(payload: str, module: int) -> Image.Image:
    """The QR code as a 1-bit image (black = 1 in ESC/POS terms) with a 2-module quiet zone."""
    import segno

    qr = segno.make(payload, error="m", micro=False)
    rows = list(qr.matrix_iter(scale=module, border=2))
    img = Image.new("1", (len(rows[0]), len(rows)), 1)
    pixels = img.load()
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                pixels[x, y] = 0
    return img


def raster_image(image: Image.Image, *, max_dots: int, center: bool = True, double: bool = False) -> bytes:
    """GS v 0 raster bands of a black-on-white image, centred by left padding within ``max_dots``.

    With ``double`` the printer prints every bit as 2 x 2 dots (mode 3): a quarter of the bytes for pictures
    made of large squares such as a QR code, which matters at 9600 baud.
    """
    img = image.convert("1")
    scale = 2 if double else 1
    room = max_dots // scale
    if img.width > room:
        img = img.resize((room, max(1, img.height * room // img.width)))
    pad = ((room - img.width) // 2) // 8 * 8 if center else 0
    width_bytes = (pad + img.width + 7) // 8
    canvas = Image.new("1", (width_bytes * 8, img.height), 1)
    canvas.paste(img, (pad, 0))
    # PIL "1" packs white as 1; ESC/POS prints 1 bits, so invert.
    packed = bytes(b ^ 0xFF for b in canvas.tobytes())
    mode = 3 if double else 0
    out = bytearray()
    for top in range(0, canvas.height, RASTER_BAND):
        rows = min(RASTER_BAND, canvas.height - top)
        out += GS + b"v0" + bytes([mode, width_bytes & 0xFF, width_bytes >> 8, rows & 0xFF, rows >> 8])
        out += packed[top * width_bytes : (top + rows) * width_bytes]
    return bytes(out)


def big_number_scale(text: str, profile: PrinterProfile) -> int:
    """The largest font multiplier (2-6) at which ``text`` fits on one line."""
    return max(2, min(6, profile.columns // max(1, len(text))))


def _barcode(data: str) -> bytes:
    payload = b"{B" + clean_text(data).encode("ascii", "replace")[:60]
    return GS + b"h\x50" + GS + b"w\x02" + GS + b"H\x02" + GS + b"k\x49" + bytes([len(payload)]) + payload


def _profile_lines(profile: PrinterProfile) -> list[tuple[str, str]]:
    return [
        ("Profil / profile", profile.name),
        ("Lebar / width", f"{profile.width_mm} mm, {profile.dots} dots"),
        ("Kolom / columns", str(profile.columns)),
        ("Kode halaman / code page", f"{profile.code_page} (ESC t {profile.code_page_number})"),
        ("QR", "native" if profile.native_qr else "gambar / image"),
        ("Pemotong / cutter", "ya / yes" if profile.cutter else "tidak / no"),
    ]


def render_escpos(receipt: Receipt, profile: PrinterProfile) -> bytes:
    """ESC/POS bytes: ESC @, the elements laid out for ``profile``, then a cut (a feed without a cutter)."""
    w = _Writer(profile)
    cols = profile.columns
    for el in receipt.elements:
        if isinstance(el, Text):
            w.style(align=el.align, bold=el.bold, width=el.width, height=el.height)
            for line in wrap(el.text, cols // max(1, min(8, el.width))):
                w.line(line)
        elif isinstance(el, BigNumber):
            scale = big_number_scale(el.text, profile)
            w.style(align="center", bold=True, width=scale, height=scale)
            for line in wrap(el.text, cols // scale):
                w.line(line)
        elif isinstance(el, KeyValue):
            w.style(bold=el.bold)
            for line in key_value_lines(el.key, el.value, cols):
                w.line(line)
        elif isinstance(el, Separator):
            w.style()
            w.line((clean_text(el.char) or "-")[0] * cols)
        elif isinstance(el, Feed):
            w.feed(el.lines)
        elif isinstance(el, QrCode):
            module = qr_module_size(el.payload, profile.dots)
            if profile.native_qr:
                w.style(align="center")
                w.out += native_qr(el.payload, module)
                w.out += LF
            else:
                w.style(align="left")  # the image is centred by its own padding
                half = max(2, module // 2)  # printed at 2 x 2 dots per bit
                w.out += raster_image(qr_image(el.payload, half), max_dots=profile.dots, double=True)
        elif isinstance(el, Barcode):
            w.style(align="center")
            if profile.barcode:
                w.out += _barcode(el.data)
                w.out += LF
            else:
                w.line(f"[{el.data}]")
        elif isinstance(el, ProfileInfo):
            w.style()
            for key, value in _profile_lines(profile):
                for line in key_value_lines(key, value, cols):
                    w.line(line)
    w.style()
    if profile.cutter:
        w.out += GS + b"V" + bytes([66, CUT_FEED_LINES * 24])  # feed to the cutter, then partial cut
    else:
        w.feed(CUT_FEED_LINES)
    return bytes(w.out)


def render_raster(image: Image.Image, profile: PrinterProfile) -> bytes:
    """A whole receipt sent as one picture (what a driver-less 'print as image' app does): for comparison."""
    w = _Writer(profile)
    w.out += raster_image(image, max_dots=profile.dots, center=False)
    if profile.cutter:
        w.out += GS + b"V" + bytes([66, CUT_FEED_LINES * 24])
    else:
        w.feed(CUT_FEED_LINES)
    return bytes(w.out)
