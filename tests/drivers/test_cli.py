"""``python -m drivers`` as real processes against a pty, a TCP listener and the virtual printer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tty
from pathlib import Path

import pytest

from drivers.samples import SAMPLE_TRACK_URL
from drivers.virtual import decode_escpos

from .fakes import PtyPrinter, TcpPrinter, strip_status_queries

ROOT = Path(__file__).resolve().parents[2]
NIK = "3317094503900001"


def run(*args: str, stdin: str = "", timeout: float = 20) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "drivers", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        cwd=ROOT,
    )


def test_print_test_over_tcp_prints_the_queue_ticket():
    with TcpPrinter() as listener:
        result = run("print-test", "--printer", listener.url, "--sample", "queue")
        assert result.returncode == 0, result.stderr
        (receipt,) = decode_escpos(strip_status_queries(listener.wait_quiet()))
    assert receipt.find_line("A-012").width_mult >= 4
    assert receipt.qr_payloads == [SAMPLE_TRACK_URL]
    assert receipt.cut


def test_print_test_over_a_serial_pty_at_58mm():
    with PtyPrinter() as far_end:
        result = run("print-test", "--printer", far_end.url(9600), "--sample", "test", "--width", "58")
        assert result.returncode == 0, result.stderr
        (receipt,) = decode_escpos(strip_status_queries(far_end.wait_quiet()))
    assert "HALAMAN UJI PRINTER" in receipt.text
    assert "58mm" in receipt.text and "384 dots" in receipt.text


def test_print_test_fails_plainly_with_exit_codes(tmp_path):
    result = run("print-test", "--printer", f"virtual://{tmp_path}?paper=out")
    assert result.returncode == 7 and "paper out" in result.stderr
    result = run("print-test", "--printer", "serial:///dev/ttyNOPE9")
    assert result.returncode == 3 and "not found" in result.stderr
    result = run("print-test", "--printer", "lpt://1")
    assert result.returncode == 2
    assert list(tmp_path.iterdir()) == []


def test_status_json_for_scripted_and_silent_printers():
    with TcpPrinter(printer=b"\x12", paper=b"\x1e") as listener:
        result = run("status", "--printer", listener.url)
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"online": True, "paper": "low"}
    with PtyPrinter(printer=None, paper=None) as far_end:
        result = run("status", "--printer", far_end.url())
    assert json.loads(result.stdout) == {"online": True, "paper": "unknown"}


def test_status_of_an_unreachable_printer_answers_within_10_seconds():
    start = time.monotonic()
    # Nothing listens on loopback port 9 (discard): the connection is refused.
    result = run("status", "--printer", "tcp://127.0.0.1:9")
    assert time.monotonic() - start < 10
    assert json.loads(result.stdout) == {"online": False, "paper": "unknown"}


def test_scan_from_a_serial_pty_prints_one_json_line_per_scan():
    master, slave = os.openpty()
    tty.setraw(slave)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "drivers",
            "scan",
            "--scanner",
            f"serial://{os.ttyname(slave)}?baudrate=9600&terminator=crlf",
            "--count",
            "3",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        time.sleep(0.8)  # let it start and open the port (earlier bytes would wait in the pty anyway)
        os.write(master, f"{NIK}\r\n0012345678\r\n".encode() + b'{"no_kk": "3317090101200003"}\r\n')
        out, err = proc.communicate(timeout=15)
    finally:
        proc.kill()
        os.close(master)
        os.close(slave)
    assert proc.returncode == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(x["kind"], x["valid"]) for x in lines] == [("nik", True), ("rfid", True), ("kk", True)]
    assert lines[0] == {
        "raw": NIK,
        "kind": "nik",
        "valid": True,
        "reason": None,
        "nik": {
            "birth_date": "1990-03-05",
            "sex": "P",
            "province": "33",
            "regency": "3317",
            "district": "331709",
        },
    }


def test_scan_keyboard_reads_standard_input():
    result = run("scan", "--scanner", "keyboard", stdin=f"{NIK}\nnot a card\n")
    assert result.returncode == 0, result.stderr
    kinds = [json.loads(line)["kind"] for line in result.stdout.splitlines()]
    assert kinds == ["nik", "unknown"]


@pytest.mark.parametrize("command", ["print-test", "scan", "status"])
def test_help_is_in_plain_words(command):
    result = run(command, "--help")
    assert result.returncode == 0
    assert "/" in result.stdout  # Indonesian / English
    assert "--printer" in result.stdout or "--scanner" in result.stdout
