"""The virtual printer: an ESC/POS decoder and a renderer to text and PNG, behind ``virtual://DIR``."""

from drivers.virtual.decoder import (
    DecodedBarcode,
    DecodedImage,
    DecodedLine,
    DecodedQr,
    DecodedReceipt,
    decode_escpos,
)
from drivers.virtual.render import render_png, render_text

__all__ = [
    "DecodedBarcode",
    "DecodedImage",
    "DecodedLine",
    "DecodedQr",
    "DecodedReceipt",
    "decode_escpos",
    "render_png",
    "render_text",
]
