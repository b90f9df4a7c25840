"""Draw a decoded receipt as a 58 or 80 mm roll would print it: plain text and a PNG."""

from __future__ import annotations

import functools
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from drivers.virtual.decoder import DecodedBarcode, DecodedImage, DecodedLine, DecodedQr, DecodedReceipt

CELL_W, CELL_H = 12, 24  # font A: 12 x 24 dots
MARGIN = 16  # white paper beyond the printable width, for the look of a roll
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts")


@functools.cache
def _font(bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    for folder in _FONT_DIRS:
        path = Path(folder) / name
        if path.exists():
            return ImageFont.truetype(str(path), 20)
    return ImageFont.load_default(size=20)


def _wrap(line: DecodedLine, columns: int) -> list[str]:
    width = max(1, columns // max(1, line.width_mult))
    return textwrap.wrap(line.text, width, drop_whitespace=False, break_long_words=True) or [""]


def render_text(receipt: DecodedReceipt, columns: int) -> str:
    """The receipt as text ``columns`` wide; wide and tall type is shown at normal size."""
    out: list[str] = []
    for block in receipt.blocks:
        if isinstance(block, DecodedLine):
            for part in _wrap(block, columns):
                part = part.rstrip()
                if block.align == "center":
                    part = part.center(columns).rstrip()
                elif block.align == "right":
                    part = part.rjust(columns)
                out.append(part)
        elif isinstance(block, DecodedQr):
            out.append("[QR]".center(columns).rstrip())
            out.extend(
                part.center(columns).rstrip() for part in textwrap.wrap(block.payload, columns) or [""]
            )
        elif isinstance(block, DecodedImage):
            out.append(f"[gambar / image {block.image.width}x{block.image.height}]".center(columns).rstrip())
        elif isinstance(block, DecodedBarcode):
            out.append(f"[BARCODE: {block.data}]".center(columns).rstrip())
    while out and not out[-1].strip():
        out.pop()
    if receipt.cut:
        out.append(("- " * (columns // 2)).rstrip() or "-")
    return "\n".join(out) + "\n"


def _qr_image(payload: str, module: int) -> Image.Image:
    import segno

    qr = segno.make(payload, error="m", micro=False)
    size = qr.symbol_size(scale=module, border=0)[0]
    img = Image.new("1", (size, size), 1)
    pixels = img.load()
    for y, row in enumerate(qr.matrix_iter(scale=module, border=0)):
        for x, dark in enumerate(row):
            if dark:
                pixels[x, y] = 0
    return img


def _text_image(text: str, line: DecodedLine) -> Image.Image:
    cell = Image.new("L", (max(1, len(text)) * CELL_W, CELL_H), 255)
    draw = ImageDraw.Draw(cell)
    font = _font(line.bold)
    for index, char in enumerate(text):
        draw.text((index * CELL_W, 1), char, font=font, fill=0)
    if line.width_mult == 1 and line.height_mult == 1:
        return cell
    return cell.resize((cell.width * line.width_mult, CELL_H * line.height_mult), Image.Resampling.NEAREST)


def _barcode_image(data: str, dots: int) -> Image.Image:
    # A placeholder with the data; the bars themselves are the printer's business.
    img = Image.new("L", (min(dots, max(CELL_W * (len(data) + 4), 120)), 80), 255)
    draw = ImageDraw.Draw(img)
    for x in range(0, img.width, 3):
        draw.line([(x, 0), (x, 50)], fill=0 if (x // 3 + len(data)) % 2 else 255)
    draw.text((CELL_W * 2, 54), data, font=_font(False), fill=0)
    return img


def render_png(receipt: DecodedReceipt, dots: int, *, margin: int = MARGIN) -> Image.Image:
    """The receipt as a greyscale picture ``dots`` wide (plus ``margin`` all round), one pixel per dot."""
    columns = max(1, dots // CELL_W)
    pieces: list[tuple[Image.Image, str]] = []
    for block in receipt.blocks:
        if isinstance(block, DecodedLine):
            for part in _wrap(block, columns):
                pieces.append((_text_image(part.rstrip(), block), block.align))
        elif isinstance(block, DecodedQr):
            pieces.append((_qr_image(block.payload, block.module).convert("L"), block.align))
        elif isinstance(block, DecodedImage):
            pieces.append((block.image.convert("L"), block.align))
        elif isinstance(block, DecodedBarcode):
            pieces.append((_barcode_image(block.data, dots), block.align))
    height = sum(img.height for img, _ in pieces) + 2 * margin
    page = Image.new("L", (dots + 2 * margin, max(height, 2 * margin + CELL_H)), 255)
    y = margin
    for img, align in pieces:
        if img.width > dots:
            img = img.crop((0, 0, dots, img.height))  # what a printer does with a too-wide line
        x = margin
        if align == "center":
            x += (dots - img.width) // 2
        elif align == "right":
            x += dots - img.width
        page.paste(img, (x, y))
        y += img.height
    if receipt.cut:
        draw = ImageDraw.Draw(page)
        for x in range(0, page.width, 12):
            draw.line([(x, page.height - 2), (x + 6, page.height - 2)], fill=128)
    return page
