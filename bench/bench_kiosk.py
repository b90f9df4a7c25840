"""Kiosk figures, one JSON object per line {"name", "value", "unit"}.

- cold start to the home screen (a fresh process: Python, Kivy, window, first answer from the edge server);
- scan-to-greeting latency (an e-KTP tag scanned on the home screen until the masked name is on screen);
- tap-to-printed-receipt latency (the finger lifts from a service tile until the virtual printer has the receipt);
- resident memory (RSS) after 100 visits, and its growth from visit 25 to visit 100 (the first visits fill
  caches: fonts, textures, connections; after them it stays flat). Screens are built the first time they are shown
  and the visits here show only some of them, so every screen is built before the visits, as a day of residents
  would. Beside it: the anonymous part of that RSS (what is not pages of files), and the largest RSS in a visit,
  taken before it ends (its end frees the visit's widgets and hands the shader compiler's code back,
  kiosk/memory.py). Offscreen here the GL driver is Mesa's llvmpipe: its heap (about 28 MiB) and its code are in
  these figures; a Pi's GPU driver compiles shaders without LLVM and keeps textures in GPU memory.

Runs offscreen against a real edge server with demo data (``python -m edge_server serve --demo``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, ROOT)
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ["KIVY_NO_ARGS"] = "1"
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")  # tracebacks reach stderr, not a swallowed Kivy log
os.environ["KIVY_NO_CONSOLELOG"] = "1"
os.environ["KIVY_NO_FILELOG"] = "1"
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-home-"))

from bench.common import rss_mib  # noqa: E402


def emit(name: str, value: float, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 2), "unit": unit}), flush=True)


def child_cold_start(edge_url: str, data_dir: str, receipts: str) -> None:
    """In a fresh process: start the kiosk and say when the home screen shows the village."""
    from tests.kiosk.harness import EdgeProcess, start_kiosk

    edge = EdgeProcess(data_dir, port=int(edge_url.rsplit(":", 1)[1]))
    edge.load_demo()
    kiosk = start_kiosk(edge, receipts)
    kiosk.pump(0.05)
    print("READY", flush=True)
    kiosk.close()


def cold_start(edge, receipts: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, __file__, "--child", edge.url, edge.data_dir, receipts],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in proc.stdout:
            if line.startswith("READY"):
                times.append(time.perf_counter() - started)
                break
        proc.wait(30)
    return statistics.median(times) * 1000


def scan_to_greeting(kiosk, edge, runs: int = 20) -> list[float]:
    tags = [r["rfid"] for r in edge.residents(with_rfid=True)]
    header = kiosk.app.root.ids.greeting
    times = []
    for i in range(runs):
        kiosk.reset()
        started = time.perf_counter()
        kiosk.scan(tags[i % len(tags)])
        kiosk.wait_until(lambda: kiosk.app.resident_name and kiosk.app.resident_name in header.text,
                         what="greeting")
        times.append((time.perf_counter() - started) * 1000)
    return times


def tap_to_receipt(kiosk, runs: int = 20) -> list[float]:
    from tests.kiosk.harness import finger_touch

    times = []
    for _ in range(runs):
        kiosk.reset()
        kiosk.tap_text("Ambil Nomor Antrian")
        kiosk.wait_until(lambda: kiosk.screen.services, what="services")
        tile = kiosk.find("Administrasi Kependudukan")
        before = len(kiosk.receipts())
        touch = finger_touch(*tile.to_window(*tile.center))
        touch.touch_down()
        kiosk.pump(0.02)
        started = time.perf_counter()
        touch.touch_up()
        kiosk.wait_until(lambda before=before: len(kiosk.receipts()) > before, what="receipt")
        times.append((time.perf_counter() - started) * 1000)
        kiosk.wait_until(lambda: kiosk.current == "ticket", what="ticket")
    return times


def one_visit(kiosk, edge, i: int) -> float:
    """Scan a card, take a ticket, look at letters or information, and leave. :returns: the RSS before leaving."""
    kiosk.reset()
    tags = [r["rfid"] for r in edge.residents(with_rfid=True)]
    kiosk.scan(tags[i % len(tags)])
    kiosk.wait_until(lambda: kiosk.app.resident_name, what="greeting")
    kiosk.tap_text("Ambil Nomor Antrian")
    kiosk.wait_until(lambda: kiosk.screen.services, what="services")
    kiosk.tap_text("Pengaduan dan Informasi")
    kiosk.wait_until(lambda: kiosk.current == "ticket", what="ticket")
    kiosk.tap_text("Beranda")
    if i % 2:
        kiosk.tap_text("Cek Status Surat")
        kiosk.wait_until(lambda: kiosk.current == "status" and kiosk.screen.loaded, what="status")
    else:
        kiosk.tap_text("Ajukan Surat")
        kiosk.wait_until(lambda: kiosk.screen.letter_types, what="letter types")
    during = rss_mib(os.getpid())
    kiosk.tap_text("Selesai")
    return during


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_cold_start(*sys.argv[2:5])
        return
    import gc

    from tests.kiosk.harness import EdgeProcess, compile_catalogues, start_kiosk

    compile_catalogues()
    with tempfile.TemporaryDirectory(prefix="bench-kiosk-") as tmp:
        edge = EdgeProcess(os.path.join(tmp, "edge"))
        os.makedirs(edge.data_dir)
        receipts = os.path.join(tmp, "receipts")
        os.makedirs(receipts)
        edge.start()
        try:
            emit("kiosk_cold_start_to_home", cold_start(edge, receipts), "ms")
            kiosk = start_kiosk(edge, receipts)
            scans = scan_to_greeting(kiosk, edge)
            emit("kiosk_scan_to_greeting_median", statistics.median(scans), "ms")
            emit("kiosk_scan_to_greeting_max", max(scans), "ms")
            taps = tap_to_receipt(kiosk)
            emit("kiosk_tap_to_printed_receipt_median", statistics.median(taps), "ms")
            emit("kiosk_tap_to_printed_receipt_max", max(taps), "ms")
            at_25 = 0.0
            for name in kiosk.app.screen_classes:  # built on first show; a day's visits show every one
                kiosk.app.screen(name)
            during = []
            for i in range(100):
                during.append(one_visit(kiosk, edge, i))
                if i == 24:
                    gc.collect()
                    at_25 = rss_mib(os.getpid())
            gc.collect()
            at_100 = rss_mib(os.getpid())
            emit("kiosk_rss_after_100_visits", at_100, "MiB")
            emit("kiosk_rss_growth_visits_25_to_100", at_100 - at_25, "MiB")
            emit("kiosk_rss_anonymous_after_100_visits", rss_mib(os.getpid(), "RssAnon"), "MiB")
            emit("kiosk_rss_in_a_visit_max", max(during), "MiB")  # before the visit's end gives memory back
            kiosk.close()
        finally:
            edge.stop()


if __name__ == "__main__":
    main()
