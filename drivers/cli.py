"""Technician commands: ``print-test``, ``scan`` and ``status`` (CONTRACTS.md section 1)."""

from __future__ import annotations

import argparse
import json
import logging
import queue
import signal
import sys
import threading
import time
from collections.abc import Sequence

from drivers.idcard import classify_scan
from drivers.printer import (
    PaperOut,
    PrinterError,
    PrinterNotFound,
    PrinterOffline,
    PrinterPermissionDenied,
    PrinterStatus,
    PrinterTimeout,
    PrinterUrlError,
    open_printer,
)
from drivers.samples import SAMPLES, sample_receipt
from drivers.scanner import KeyboardScanner, ScannerSpecError, open_scanner

STATUS_DEADLINE = 9.0  # the contract allows 10 s; keep a margin for start-up
EXIT_CODES = {
    PrinterUrlError: 2,
    PrinterNotFound: 3,
    PrinterPermissionDenied: 4,
    PrinterTimeout: 5,
    PrinterOffline: 6,
    PaperOut: 7,
}

DESCRIPTION = """\
Perintah teknisi untuk printer dan pemindai Anjungan Desa.
Technician commands for the Anjungan Desa printer and scanner.

Contoh / examples:
  python -m drivers print-test --printer usb://0416:5011 --sample queue
  python -m drivers print-test --printer tcp://192.168.1.50:9100 --sample test --width 80
  python -m drivers status --printer serial:///dev/ttyUSB0?baudrate=19200
  python -m drivers scan --scanner evdev:auto
"""

PRINTER_HELP = (
    "alamat printer / printer URL: usb://VID:PID, serial:///dev/ttyUSB0?baudrate=19200, "
    "tcp://HOST:9100, file:///dev/usb/lp0, virtual://FOLDER (tambahkan / add ?profile=NAMA)"
)
EPILOG = """\
Kode keluar / exit codes: 0 berhasil / ok, 2 URL salah / bad URL, 3 printer tidak ditemukan / not found,
4 izin ditolak / permission denied, 5 waktu habis / timeout, 6 offline, 7 kertas habis / paper out,
1 galat lain / other error.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m drivers",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="tampilkan log / show log messages")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "print-test",
        help="cetak contoh struk / print a sample receipt",
        description="Cetak contoh struk; keluar 0 bila printer menerimanya. "
        "Print a sample receipt; exits 0 when the printer took it.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--printer", required=True, metavar="URL", help=PRINTER_HELP)
    p.add_argument(
        "--sample",
        choices=SAMPLES,
        default="test",
        help="contoh / sample: queue (tiket antrian), letter (tanda terima surat), pin (slip PIN), "
        "test (halaman uji, bawaan / default)",
    )
    p.add_argument(
        "--width",
        type=int,
        choices=(58, 80),
        help="lebar kertas (mm) bila URL tidak menyebut profil / paper width when the URL names no profile",
    )
    p.add_argument("--timeout", type=float, default=5.0, help="detik / seconds (default 5)")

    s = sub.add_parser(
        "scan",
        help="tampilkan hasil pindai sebagai JSON / print scans as JSON",
        description="Cetak satu objek JSON per pindaian, satu baris. Prints one JSON object per "
        "scan on its own line: raw, kind (nik|kk|rfid|unknown), valid, reason, nik. "
        "Berhenti dengan Ctrl-C / stop with Ctrl-C. With --scanner keyboard, lines "
        "typed on standard input are the scans (ends at end of input).",
    )
    s.add_argument(
        "--scanner",
        required=True,
        metavar="SPEC",
        help="evdev:auto, evdev:/dev/input/by-id/..., evdev:VID:PID, "
        "serial:///dev/ttyACM0?baudrate=9600[&terminator=cr|lf|crlf], keyboard",
    )
    s.add_argument("--count", type=int, default=0, help="berhenti setelah N pindaian / stop after N scans")
    s.add_argument(
        "--seconds", type=float, default=0.0, help="berhenti setelah N detik / stop after N seconds"
    )

    t = sub.add_parser(
        "status",
        help="tanya status printer / ask the printer for its status",
        description='Cetak {"online": bool, "paper": "ok"|"low"|"out"|"unknown"} dalam 10 detik. '
        "Prints the printer's status as JSON within 10 seconds, whatever the printer "
        "does. 'unknown' means the printer did not say.",
    )
    t.add_argument("--printer", required=True, metavar="URL", help=PRINTER_HELP)
    t.add_argument("--timeout", type=float, default=3.0, help="detik / seconds (default 3)")
    return parser


def _exit_code(exc: PrinterError) -> int:
    for kind, code in EXIT_CODES.items():
        if isinstance(exc, kind):
            return code
    return 1


def cmd_print_test(args: argparse.Namespace) -> int:
    try:
        printer = open_printer(
            args.printer, timeout=args.timeout, profile=f"{args.width}mm" if args.width else None
        )
        receipt = sample_receipt(
            args.sample, profile_name=printer.profile.name, width_mm=printer.profile.width_mm
        )
        with printer:
            printer.print(receipt)
    except PrinterError as exc:
        print(f"GAGAL / FAILED: {exc}", file=sys.stderr)
        return _exit_code(exc)
    print(f"Tercetak / printed: {receipt.title} ({printer.profile.name}, {printer.profile.width_mm} mm)")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    try:
        printer = open_printer(args.printer, timeout=min(args.timeout, STATUS_DEADLINE / 2))
    except PrinterError as exc:
        print(json.dumps(PrinterStatus(online=False, paper="unknown").to_json()), flush=True)
        print(f"GAGAL / FAILED: {exc}", file=sys.stderr)
        return _exit_code(exc)
    result: queue.SimpleQueue[PrinterStatus] = queue.SimpleQueue()

    def ask() -> None:
        try:
            result.put(printer.status())
        finally:
            printer.close()

    threading.Thread(target=ask, daemon=True).start()
    try:
        status = result.get(timeout=STATUS_DEADLINE)
    except queue.Empty:  # a driver stuck in the kernel: answer anyway, as the contract demands
        status = PrinterStatus(online=False, paper="unknown")
    print(json.dumps(status.to_json()), flush=True)
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    scans: queue.SimpleQueue[str] = queue.SimpleQueue()
    try:
        scanner = open_scanner(args.scanner, scans.put)
    except ScannerSpecError as exc:
        print(f"GAGAL / FAILED: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    scanner.start()
    if isinstance(scanner, KeyboardScanner):

        def pump() -> None:
            for line in sys.stdin:
                scanner.feed_text(line)
            time.sleep(0.2)  # let the last scans through
            stop.set()

        threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + args.seconds if args.seconds > 0 else None
    done = 0
    try:
        while not stop.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                break
            try:
                raw = scans.get(timeout=0.1)
            except queue.Empty:
                continue
            print(json.dumps(classify_scan(raw).to_json()), flush=True)
            done += 1
            if args.count and done >= args.count:
                break
    except KeyboardInterrupt:
        pass
    finally:
        scanner.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    commands = {"print-test": cmd_print_test, "status": cmd_status, "scan": cmd_scan}
    return commands[args.command](args)
