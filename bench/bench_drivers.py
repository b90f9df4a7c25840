"""Driver figures: queue-ticket size and render time (native ESC/POS vs one raster picture), the time each
takes on a serial line, and how many scans a second the key-event decoder turns into text.

Prints one JSON object per line: {"name": ..., "value": ..., "unit": ...}.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.profiles import get_profile
from drivers.receipt import queue_ticket_receipt, render_escpos, render_raster
from drivers.scanner import KeyEventDecoder, text_to_events
from drivers.virtual import decode_escpos, render_png

BITS_PER_BYTE = 10  # 8N1: start bit, 8 data bits, stop bit


def emit(name: str, value: float, unit: str) -> None:
    print(
        json.dumps(
            {"name": name, "value": round(value, 4) if isinstance(value, float) else value, "unit": unit}
        ),
        flush=True,
    )


def timed(fn, repeat: int) -> float:
    """Mean seconds per call (best of three batches)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


def ticket():
    return queue_ticket_receipt(
        village_name="Mojowarno",
        service_code="A",
        service_name="Administrasi Kependudukan",
        number="A-012",
        issued_at=datetime(2026, 3, 5, 8, 15, tzinfo=timezone(timedelta(hours=7))),
        ahead=3,
        estimated_wait_minutes=15,
        track_url="http://127.0.0.1:8080/t/q7Xk2mP9vR4sT8wYzB3nC6dF1gH5jL0a",
    )


def bench_tickets() -> None:
    receipt = ticket()
    for profile_name, label in (("TM-T20II", "80mm"), ("POS-5890", "58mm")):
        profile = get_profile(profile_name)
        native = render_escpos(receipt, profile)

        def raster_bytes(profile=profile) -> bytes:
            # The same content as one picture, as a driver-less "print as image" app would send it.
            (decoded,) = decode_escpos(render_escpos(receipt, profile))
            return render_raster(render_png(decoded, profile.dots, margin=0), profile)

        raster = raster_bytes()
        mode = "native QR" if profile.native_qr else "image QR"
        emit(f"queue_ticket_{label}_native_bytes ({profile_name}, {mode})", len(native), "bytes")
        emit(f"queue_ticket_{label}_raster_bytes ({profile_name})", len(raster), "bytes")
        emit(
            f"queue_ticket_{label}_native_render_time",
            timed(lambda p=profile: render_escpos(receipt, p), 200) * 1000,
            "ms",
        )
        emit(f"queue_ticket_{label}_raster_render_time", timed(raster_bytes, 5) * 1000, "ms")
        for baud in (9600, 115200):
            emit(f"queue_ticket_{label}_native_transmit_{baud}_baud", len(native) * BITS_PER_BYTE / baud, "s")
            emit(f"queue_ticket_{label}_raster_transmit_{baud}_baud", len(raster) * BITS_PER_BYTE / baud, "s")


def bench_scans() -> None:
    scans = 2000
    events = []
    for i in range(scans):
        events += text_to_events(f"33170945039{i % 100000:05d}")
    decoder = KeyEventDecoder()
    start = time.perf_counter()
    found = sum(1 for event in events if decoder.feed(event) is not None)
    elapsed = time.perf_counter() - start
    assert found == scans
    emit(
        "key_event_decoder_scans_per_second (16-digit NIK, with key-up and SYN events)",
        scans / elapsed,
        "scans/s",
    )
    emit("key_event_decoder_events_per_second", len(events) / elapsed, "events/s")


if __name__ == "__main__":
    bench_tickets()
    bench_scans()
