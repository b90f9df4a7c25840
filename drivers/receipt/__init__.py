"""Receipts: data laid out for the paper width, then rendered to ESC/POS."""

from drivers.profiles import PrinterProfile, get_profile
from drivers.receipt.escpos import render_escpos, render_raster
from drivers.receipt.layouts import format_datetime, letter_receipt, pin_slip, queue_ticket_receipt, test_page
from drivers.receipt.model import (
    Barcode,
    BigNumber,
    Element,
    Feed,
    KeyValue,
    ProfileInfo,
    QrCode,
    Receipt,
    Separator,
    Text,
)

__all__ = [
    "Barcode",
    "BigNumber",
    "Element",
    "Feed",
    "KeyValue",
    "PrinterProfile",
    "ProfileInfo",
    "QrCode",
    "Receipt",
    "Separator",
    "Text",
    "format_datetime",
    "get_profile",
    "letter_receipt",
    "pin_slip",
    "queue_ticket_receipt",
    "render_escpos",
    "render_raster",
    "test_page",
]
