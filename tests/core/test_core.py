"""The shared core: one rule each for region codes, the NIK's shape and masks, calendar words, fingerprints,
secret files and the version; and the core imports none of the parts."""
from __future__ import annotations

import ast
import os
import stat
import threading
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from anjungan_core import calendar_words, files, fingerprints, nik, regions, tls, version

CORE = Path(regions.__file__).parent
# What each module may import besides the standard library and the core itself (nothing of the parts, ever).
THIRD_PARTY = {"tls.py": {"requests"}, "passwords.py": {"werkzeug"}, "webapp.py": {"flask", "werkzeug"}}


def test_core_imports_none_of_the_parts():
    import sys

    for path in CORE.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            for top in {n.split(".")[0] for n in names}:
                assert top in sys.stdlib_module_names or top in ("anjungan_core", "__future__") \
                    or top in THIRD_PARTY.get(path.name, set()), f"{path.name} imports {top}"


@pytest.mark.parametrize("given,dotted", [("3317092016", "33.17.09.2016"), ("33.17.09.2016", "33.17.09.2016"),
                                          (" 3317092016 ", "33.17.09.2016"), ("331709201", None),
                                          ("33.17.9.2016", None), ("", None), (None, None), (3317092016, None)])
def test_village_codes(given, dotted):
    assert regions.dotted_village_code(given) == dotted


def test_plain_village_code():
    assert regions.plain_village_code("33.17.09.2016") == "3317092016"


@pytest.mark.parametrize("text,ok", [("3317094503900001", True), ("0317094503900001", False),
                                     ("331709450390000", False), ("33170945039000011", False),
                                     (" 3317094503900001\n", True), ("33170945039000a1", False), ("", False)])
def test_permanent_nik_shape(text, ok):
    assert nik.looks_like_permanent_nik(text) is ok


def test_masks():
    assert nik.mask_nik("3317094503900001") == "3317**********01"
    assert nik.mask_name("Budi Santoso") == "B**i S*****o"


def test_calendar_words():
    assert calendar_words.indonesian_date(date(2026, 8, 17)) == "17 Agustus 2026"
    assert calendar_words.day_name(date(2026, 11, 30)) == "Senin"
    assert calendar_words.month_name(12) == "Desember"
    assert calendar_words.roman_month(11) == "XI"
    for bad in (0, 13):
        with pytest.raises(ValueError):
            calendar_words.roman_month(bad)


@pytest.mark.parametrize("hours,label", [(7, "WIB"), (8, "WITA"), (9, "WIT"), (0, "UTC+0"), (5.5, "UTC+5.5")])
def test_zone_labels(hours, label):
    assert calendar_words.zone_label(datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=hours)))) == label


def test_naive_time_has_no_zone_label():
    assert calendar_words.zone_label(datetime(2026, 1, 1)) == ""


def test_atomic_write_replaces_whole_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "sub" / "kiosk.toml"
    files.atomic_write(target, "a = 1\n", mode=0o600)
    files.atomic_write(target, b"a = 2\n", mode=0o600)
    assert target.read_text() == "a = 2\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["kiosk.toml"]


def test_secret_is_made_once_private_and_the_same_for_racing_processes(tmp_path):
    path = tmp_path / "secret_key"
    seen: list[str] = []
    threads = [threading.Thread(target=lambda: seen.append(files.read_or_create_secret(path))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(seen)) == 1 and len(seen[0]) == 64
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


@pytest.mark.parametrize("text", ["ab" * 32, "AB:" * 31 + "AB", "sha256:" + "ab" * 32, " " + "ab " * 32])
def test_fingerprints_normalise(text):
    assert fingerprints.normalise_fingerprint(text) == ":".join(["AB"] * 32)


@pytest.mark.parametrize("text", ["", "ab" * 31, "zz" * 32, "ab" * 33])
def test_bad_fingerprints_are_refused(text):
    with pytest.raises(ValueError):
        fingerprints.normalise_fingerprint(text)


def test_fingerprint_of_der_is_sha256_of_the_bytes():
    import hashlib

    assert fingerprints.fingerprint_of_der(b"x").replace(":", "").lower() == hashlib.sha256(b"x").hexdigest()


def test_pinned_session_only_pins_https_when_asked():
    assert not isinstance(tls.pinned_session().get_adapter("https://e/"), tls.PinnedAdapter)
    assert isinstance(tls.pinned_session("ab" * 32).get_adapter("https://e/"), tls.PinnedAdapter)


def test_version_is_the_installed_distribution():
    from importlib import metadata

    assert version.running_version() == metadata.version("anjungan-desa")


def test_lockout_counts_each_try_before_the_check_and_locks_at_the_limit():
    from anjungan_core.lockout import LockoutRule

    rule, now, stored = LockoutRule(max_failures=3, lock_seconds=60), datetime(2026, 12, 2, 8), None
    for expected in (1, 2, 3):
        stored = rule.reserve(stored, now)
        assert stored.failures == expected
    assert stored.locked_until == now + timedelta(seconds=60)  # the third try locked it, and was still checked
    assert rule.reserve(stored, now + timedelta(seconds=59)) is None  # locked: nothing is checked
    again = rule.reserve(stored, now + timedelta(seconds=60))
    assert (again.failures, again.locked_until) == (1, None)  # the lock ran out: counting starts again


def test_lockout_forgets_failures_older_than_the_lock_period():
    from anjungan_core.lockout import Attempts, LockoutRule

    rule, now = LockoutRule(max_failures=5, lock_seconds=300), datetime(2026, 12, 2, 8)
    assert rule.reserve(Attempts(4, None, now - timedelta(seconds=299)), now).failures == 5
    assert rule.reserve(Attempts(4, None, now - timedelta(seconds=300)), now).failures == 1
    assert rule.reserve(Attempts(4, None, None), now).failures == 5  # a store that keeps no time forgets nothing


def test_loggable_text_is_ascii_and_cut():
    from anjungan_core.webapp import loggable

    assert loggable("a\ud800b\u00e9") == "a\\ud800b\\xe9"
    assert loggable("x" * 500, 10) == "x" * 10


def test_the_skeleton_answers_json_on_api_paths_and_logs_a_500_safely(caplog):
    from flask import Flask, jsonify

    from anjungan_core import webapp

    app = Flask(__name__)
    webapp.json_errors(app, json_paths=("/api/",), http_error=lambda exc: (jsonify({"error": {
        "code": "not_found", "message": "x"}}), exc.code), internal_message="retry", page_message=lambda: "page")

    @app.get("/api/boom/<path:rest>")
    def boom(rest):
        raise RuntimeError(rest)

    client = app.test_client()
    assert client.get("/api/nothing").json == {"error": {"code": "not_found", "message": "x"}}
    assert client.get("/nothing").status_code == 404 and not client.get("/nothing").is_json
    answer = client.get("/api/boom/%ED%A0%80")  # a lone surrogate's bytes in the path
    assert answer.status_code == 500 and answer.json["error"] == {"code": "internal_error", "message": "retry"}
    assert "unhandled error on GET" in caplog.text
