"""The virtual printer: files it renders, scripted faults, and a decoder that survives any input."""

from __future__ import annotations

import time

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from drivers.printer import PaperOut, PrinterOffline, PrinterTimeout, open_printer
from drivers.samples import SAMPLE_TRACK_URL, sample_receipt
from drivers.virtual import decode_escpos


def test_each_receipt_becomes_numbered_txt_and_png(tmp_path):
    with open_printer(f"virtual://{tmp_path}?width=80") as printer:
        printer.print(sample_receipt("queue"))
        printer.print(sample_receipt("letter"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1.png", "1.txt", "2.png", "2.txt"]
    text = (tmp_path / "1.txt").read_text()
    assert "A-012" in text and "NOMOR ANTRIAN" in text
    assert max(len(line) for line in text.splitlines()) <= 48
    assert "SRT-2026-0042" in (tmp_path / "2.txt").read_text()
    png = Image.open(tmp_path / "1.png")
    assert png.width == 576 + 32  # an 80 mm roll: 576 dots plus the drawn margin
    assert [r.text for r in zxingcpp.read_barcodes(png)] == [SAMPLE_TRACK_URL]


def test_58mm_roll_and_numbering_continues_across_printers(tmp_path):
    (tmp_path / "7.txt").write_text("earlier receipt")
    printer = open_printer(f"virtual://{tmp_path}")
    printer.print(sample_receipt("queue"))
    printer.close()
    text = (tmp_path / "8.txt").read_text()
    assert max(len(line) for line in text.splitlines()) <= 32
    png = Image.open(tmp_path / "8.png")
    assert png.width == 384 + 32
    assert [r.text for r in zxingcpp.read_barcodes(png)] == [SAMPLE_TRACK_URL]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"online": True, "paper": "ok"}),
        ("?paper=low", {"online": True, "paper": "low"}),
        ("?paper=out", {"online": False, "paper": "out"}),
        ("?paper=unknown", {"online": True, "paper": "unknown"}),
        ("?offline=1", {"online": False, "paper": "ok"}),
    ],
)
def test_scripted_status(tmp_path, query, expected):
    with open_printer(f"virtual://{tmp_path}{query}") as printer:
        assert printer.status().to_json() == expected


def test_paper_out_and_offline_stop_the_print_before_anything_is_sent(tmp_path):
    with open_printer(f"virtual://{tmp_path}?paper=out") as printer, pytest.raises(PaperOut):
        printer.print(sample_receipt("queue"))
    with open_printer(f"virtual://{tmp_path}?offline=1") as printer, pytest.raises(PrinterOffline):
        printer.print(sample_receipt("queue"))
    assert list(tmp_path.iterdir()) == []


def test_low_paper_and_silent_printers_still_print(tmp_path):
    for query in ("?paper=low", "?paper=unknown"):
        with open_printer(f"virtual://{tmp_path}{query}") as printer:
            printer.print(sample_receipt("pin"))
    assert len(list(tmp_path.glob("*.txt"))) == 2


def test_slow_printer_and_timeout(tmp_path):
    start = time.monotonic()
    with open_printer(f"virtual://{tmp_path}?delay=0.3") as printer:
        printer.print(sample_receipt("queue"))
    assert time.monotonic() - start >= 0.3
    with open_printer(f"virtual://{tmp_path}?delay=3&timeout=0.2") as printer, pytest.raises(PrinterTimeout):
        printer.print(sample_receipt("queue"))
    assert len(list(tmp_path.glob("*.txt"))) == 1


def test_decoder_reads_styles_feeds_cuts_and_raster():
    data = (
        b"\x1b@\x1ba\x01\x1bE\x01Title\n\x1bE\x00\x1ba\x00\x1b!\x30wide tall\n\x1b!\x00plain\x1bd\x02"
        b"\x1dv0\x00\x01\x00\x02\x00\xff\x00"  # 8x2 raster: first row black
        b"\x1dV\x00after cut\n"
    )
    first, second = decode_escpos(data)
    assert first.cut and not second.cut
    title, wide, plain = first.lines[:3]
    assert (title.text, title.bold, title.align) == ("Title", True, "center")
    assert (wide.width_mult, wide.height_mult) == (2, 2)
    assert plain.text == "plain" and first.lines[3].text == "" and first.lines[4].text == ""
    image = first.images[0]
    assert image.size == (8, 2)
    assert image.getpixel((0, 0)) == 0 and image.getpixel((0, 1)) == 255
    assert second.text == "after cut"


def test_decoder_splits_uncut_receipts_at_initialise():
    receipts = decode_escpos(b"\x1b@one\n\x1bd\x04\x1b@two\n")
    assert [r.text.strip() for r in receipts] == ["one", "two"]
    assert not any(r.cut for r in receipts)


def test_decoder_records_unknown_commands_and_survives_truncation():
    (receipt,) = decode_escpos(b"\x1b@\x1b\xfeok\n\x1d(k\x05\x00\x31")
    assert receipt.text == "ok"
    assert receipt.unknown == [b"\x1b\xfe"]


@given(st.binary(max_size=2000))
@settings(max_examples=300, deadline=None)
def test_decoder_never_raises(data):
    for receipt in decode_escpos(data):
        assert isinstance(receipt.text, str)
