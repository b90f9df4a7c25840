"""Translations: Indonesian needs no catalogue; English comes from the .mo, or from the .po in a dev checkout."""

from __future__ import annotations

import os
import shutil

from kiosk.i18n import LOCALE_DIR, Translator

PO = os.path.join(LOCALE_DIR, "en", "LC_MESSAGES", "kiosk.po")


def test_indonesian_is_the_msgid_itself():
    assert Translator("id")._("Ambil Nomor Antrian") == "Ambil Nomor Antrian"


def test_english_works_without_a_compiled_catalogue(tmp_path):
    """GIVEN a checkout where `make setup` never compiled the .po WHEN English is chosen THEN it is English."""
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(PO, target / "kiosk.po")
    tr = Translator("en", localedir=str(tmp_path))
    assert tr._("Ambil Nomor Antrian") == "Take a Queue Number"
    assert tr._("Selamat datang, {name}.").format(name="B**i") == "Welcome, B**i."


def test_switching_language_updates_bound_text_and_back():
    tr = Translator("id")
    seen: list[str] = []
    tr.fbind("_", lambda *args: seen.append(tr._("Selesai")), ("rule",))
    tr.switch("en")
    tr.switch("id")
    assert seen == ["Done", "Selesai"]


def test_every_msgid_in_the_code_has_an_english_translation():
    import glob
    import re

    from kiosk.i18n import read_po

    catalogue = read_po(PO)
    pattern = re.compile(r"""(?:\b_|N_|tr\._)\(\s*(['"])((?:\\.|(?!\1).)*)\1""")
    missing = set()
    for path in glob.glob(os.path.join(os.path.dirname(LOCALE_DIR), "**", "*.*"), recursive=True):
        if path.endswith((".py", ".kv")):
            with open(path, encoding="utf-8") as fh:
                missing |= {m.group(2) for m in pattern.finditer(fh.read()) if m.group(2) not in catalogue}
    assert not missing
