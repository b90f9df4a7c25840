"""Decode an ESC/POS byte stream into receipts, the way a thermal printer would interpret it.

Used by the virtual printer (to render what it is sent) and by tests (to check what a real transport
received). It understands text, code pages, bold, size, alignment, feeds, cuts, native QR (GS ( k),
raster images (GS v 0), column bit images (ESC *) and barcodes (GS k); other commands are skipped by their
documented length and listed in ``unknown``. It never raises on malformed input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

# ESC t n -> Python codec, for the code pages a POS-5890 / TM-T20 class printer has under the same numbers.
CODE_PAGES = {
    0: "cp437",
    2: "cp850",
    3: "cp860",
    4: "cp863",
    5: "cp865",
    16: "cp1252",
    17: "cp866",
    18: "cp852",
    19: "cp858",
}
ALIGNS = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}

# Commands with a fixed number of argument bytes after ESC x / GS x.
_ESC_ARGS = {
    b"!": 1,
    b"-": 1,
    b"2": 0,
    b"3": 1,
    b" ": 1,
    b"$": 2,
    b"\\": 2,
    b"=": 1,
    b"?": 1,
    b"G": 1,
    b"J": 1,
    b"K": 1,
    b"L": 0,
    b"M": 1,
    b"R": 1,
    b"S": 0,
    b"T": 1,
    b"U": 1,
    b"V": 1,
    b"W": 8,
    b"e": 1,
    b"i": 0,
    b"m": 0,
    b"p": 3,
    b"r": 1,
    b"u": 1,
    b"v": 0,
    b"{": 1,
    b"c": 2,
    b"%": 1,
    b"<": 0,
}
_GS_ARGS = {
    b"$": 2,
    b"B": 1,
    b"H": 1,
    b"I": 1,
    b"L": 2,
    b"P": 2,
    b"W": 2,
    b"\\": 2,
    b"^": 3,
    b"a": 1,
    b"b": 1,
    b"f": 1,
    b"h": 1,
    b"r": 1,
    b"w": 1,
    b"x": 1,
    b"/": 1,
    b"E": 1,
    b":": 0,
    b"T": 1,
    b"g": 2,
    b"j": 1,
}


@dataclass(frozen=True)
class DecodedLine:
    text: str
    width_mult: int = 1
    height_mult: int = 1
    bold: bool = False
    align: str = "left"


@dataclass(frozen=True)
class DecodedQr:
    payload: str
    module: int = 3
    align: str = "center"


@dataclass(frozen=True)
class DecodedImage:
    image: Image.Image  # mode "1", black on white
    align: str = "left"


@dataclass(frozen=True)
class DecodedBarcode:
    symbology: int
    data: str
    align: str = "center"


Block = DecodedLine | DecodedQr | DecodedImage | DecodedBarcode


@dataclass
class DecodedReceipt:
    """One receipt: what was printed between two cuts, in order."""

    blocks: list[Block] = field(default_factory=list)
    cut: bool = False
    unknown: list[bytes] = field(default_factory=list)

    @property
    def lines(self) -> list[DecodedLine]:
        return [b for b in self.blocks if isinstance(b, DecodedLine)]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def qr_payloads(self) -> list[str]:
        return [b.payload for b in self.blocks if isinstance(b, DecodedQr)]

    @property
    def images(self) -> list[Image.Image]:
        return [b.image for b in self.blocks if isinstance(b, DecodedImage)]

    @property
    def barcodes(self) -> list[str]:
        return [b.data for b in self.blocks if isinstance(b, DecodedBarcode)]

    def find_line(self, needle: str) -> DecodedLine | None:
        """The first line containing ``needle``."""
        return next((line for line in self.lines if needle in line.text), None)

    @property
    def has_content(self) -> bool:
        return any(not isinstance(b, DecodedLine) or b.text.strip() for b in self.blocks)


class _Decoder:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.i = 0
        self.receipts: list[DecodedReceipt] = []
        self.current = DecodedReceipt()
        self.line = bytearray()
        self.line_style: tuple[int, int, bool, str] | None = None
        self.qr_store = b""
        self.qr_module = 3
        self.reset()

    def reset(self) -> None:
        self.bold, self.align, self.width, self.height, self.codec = False, "left", 1, 1, "cp437"

    # --- helpers -------------------------------------------------------------------------------------------
    def take(self, n: int) -> bytes | None:
        if self.i + n > len(self.data):
            self.i = len(self.data)
            return None
        chunk = self.data[self.i : self.i + n]
        self.i += n
        return chunk

    def style(self) -> tuple[int, int, bool, str]:
        return (self.width, self.height, self.bold, self.align)

    def flush_line(self, *, force: bool = True) -> None:
        if not self.line and not force:
            return
        width, height, bold, align = self.line_style or self.style()
        text = bytes(self.line).decode(self.codec, errors="replace")
        self.current.blocks.append(DecodedLine(text, width, height, bold, align))
        self.line.clear()
        self.line_style = None

    def end_receipt(self, *, cut: bool) -> None:
        self.flush_line(force=False)
        self.current.cut = cut
        if cut or self.current.has_content:
            self.receipts.append(self.current)
        self.current = DecodedReceipt()

    # --- commands ------------------------------------------------------------------------------------------
    def esc(self) -> None:
        cmd = self.take(1)
        if cmd is None:
            return
        if cmd == b"@":
            if self.current.has_content or self.line:
                self.end_receipt(cut=False)
            self.reset()
            return
        if cmd == b"*":  # column bit image: m nL nH then nL+nH*256 columns of 1 or 3 bytes
            head = self.take(3)
            if head is None:
                return
            depth = 3 if head[0] in (32, 33) else 1
            columns = head[1] | head[2] << 8
            body = self.take(columns * depth)
            if body is not None:
                self.column_image(body, columns, depth)
            return
        if cmd in (b"E", b"a", b"t", b"d", b"!"):
            arg = self.take(1)
            if arg is None:
                return
            n = arg[0]
            if cmd == b"E":
                self.bold = bool(n & 1)
            elif cmd == b"a":
                self.align = ALIGNS.get(n, "left")
            elif cmd == b"t":
                self.codec = CODE_PAGES.get(n, "cp437")
            elif cmd == b"d":
                self.flush_line(force=False)
                for _ in range(n):
                    self.flush_line()
            else:  # ESC ! print mode: bold, double height, double width
                self.bold = bool(n & 0x08)
                self.height = 2 if n & 0x10 else 1
                self.width = 2 if n & 0x20 else 1
            return
        if cmd == b"D":  # tab positions, NUL-terminated
            end = self.data.find(b"\x00", self.i)
            self.i = len(self.data) if end < 0 else end + 1
            return
        if cmd in (b"i", b"m"):
            self.end_receipt(cut=True)
            return
        if cmd in _ESC_ARGS:
            self.take(_ESC_ARGS[cmd])
            return
        self.current.unknown.append(b"\x1b" + cmd)

    def gs(self) -> None:
        cmd = self.take(1)
        if cmd is None:
            return
        if cmd == b"!":
            arg = self.take(1)
            if arg is not None:
                self.width, self.height = (arg[0] >> 4 & 7) + 1, (arg[0] & 7) + 1
        elif cmd == b"V":
            mode = self.take(1)
            if mode is not None and mode[0] in (65, 66, 97, 98, 103, 104):
                self.take(1)
            self.end_receipt(cut=True)
        elif cmd == b"(":
            head = self.take(3)
            if head is None:
                return
            body = self.take(head[1] | head[2] << 8)
            if body is not None:
                self.extended(head[0:1], body)
        elif cmd == b"v":
            head = self.take(6)  # '0' m xL xH yL yH
            if head is None:
                return
            width_bytes, rows = head[2] | head[3] << 8, head[4] | head[5] << 8
            body = self.take(width_bytes * rows)
            if body is not None and width_bytes and rows:
                self.raster(body, width_bytes, rows, mode=head[1])
        elif cmd == b"k":
            self.barcode()
        elif cmd == b"*":
            head = self.take(2)
            if head is not None:
                self.take(head[0] * head[1] * 8)
        elif cmd in _GS_ARGS:
            self.take(_GS_ARGS[cmd])
        else:
            self.current.unknown.append(b"\x1d" + cmd)

    def extended(self, fn_class: bytes, body: bytes) -> None:
        if fn_class != b"k" or len(body) < 2 or body[0] != 0x31:
            self.current.unknown.append(b"\x1d(" + fn_class + body[:2])
            return
        fn = body[1]
        if fn == 0x43 and len(body) >= 3:
            self.qr_module = max(1, min(16, body[2]))
        elif fn == 0x50:
            self.qr_store = body[3:]
        elif fn == 0x51:
            self.flush_line(force=False)
            payload = self.qr_store.decode("utf-8", errors="replace")
            self.current.blocks.append(DecodedQr(payload, self.qr_module, self.align))

    def raster(self, body: bytes, width_bytes: int, rows: int, *, mode: int = 0) -> None:
        self.flush_line(force=False)
        inverted = bytes(b ^ 0xFF for b in body)  # ESC/POS: 1 = black; PIL "1": 1 = white
        image = Image.frombytes("1", (width_bytes * 8, rows), inverted)
        if mode & 0x03:  # m = 1: double width, 2: double height, 3: both (also '1'..'3')
            image = image.resize(
                (image.width * (2 if mode & 1 else 1), rows * (2 if mode & 2 else 1)),
                Image.Resampling.NEAREST,
            )
            rows = image.height
        last = self.current.blocks[-1] if self.current.blocks else None
        if isinstance(last, DecodedImage) and last.image.width == image.width and last.align == self.align:
            # Consecutive GS v 0 bands of one picture print as one picture.
            merged = Image.new("1", (image.width, last.image.height + rows), 1)
            merged.paste(last.image, (0, 0))
            merged.paste(image, (0, last.image.height))
            self.current.blocks[-1] = DecodedImage(merged, self.align)
            return
        self.current.blocks.append(DecodedImage(image, self.align))

    def column_image(self, body: bytes, columns: int, depth: int) -> None:
        self.flush_line(force=False)
        image = Image.new("1", (columns, depth * 8), 1)
        pixels = image.load()
        for x in range(columns):
            for byte_index in range(depth):
                value = body[x * depth + byte_index]
                for bit in range(8):
                    if value & (0x80 >> bit):
                        pixels[x, byte_index * 8 + bit] = 0
        self.current.blocks.append(DecodedImage(image, self.align))

    def barcode(self) -> None:
        kind = self.take(1)
        if kind is None:
            return
        m = kind[0]
        if m <= 6:
            end = self.data.find(b"\x00", self.i)
            end = len(self.data) if end < 0 else end
            data, self.i = self.data[self.i : end], min(len(self.data), end + 1)
        else:
            size = self.take(1)
            data = (self.take(size[0]) or b"") if size is not None else b""
        text = data.decode("ascii", errors="replace")
        if m == 73 and text[:2] in ("{A", "{B", "{C"):
            text = text[2:]
        self.flush_line(force=False)
        self.current.blocks.append(DecodedBarcode(m, text, self.align))

    def run(self) -> list[DecodedReceipt]:
        data = self.data
        while self.i < len(data):
            byte = data[self.i]
            self.i += 1
            if byte == 0x0A:
                self.flush_line()
            elif byte == 0x1B:
                self.esc()
            elif byte == 0x1D:
                self.gs()
            elif byte == 0x10:  # DLE EOT n / DLE DC4 ...: real-time requests, not printed
                self.take(2)
            elif byte == 0x09:
                self.append(b" ")
            elif byte >= 0x20:
                self.append(bytes([byte]))
        self.end_receipt(cut=False)
        return self.receipts

    def append(self, char: bytes) -> None:
        if not self.line:
            self.line_style = self.style()
        self.line += char


def decode_escpos(data: bytes) -> list[DecodedReceipt]:
    """One :class:`DecodedReceipt` per cut (and one for trailing content without a cut)."""
    return _Decoder(bytes(data)).run()
