"""Indonesian first, English complete: every string of the edge server has an English entry with the same
placeholders, and the console, board and public pages render in English when chosen."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "edge_server/translations/en/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_every_edge_string_has_an_english_translation(tmp_path):
    from babel.messages.pofile import read_po

    pot = tmp_path / "edge.pot"
    cfg = tmp_path / "babel.cfg"
    cfg.write_text("[python: **.py]\n[jinja2: templates/**.html]\n")
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "extract", "-F", str(cfg), "-k", "lazy_gettext",
                    "-k", "_l", "-o", str(pot), "edge_server"], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as fh:
        template = read_po(fh)
    with PO.open("rb") as fh:
        english = read_po(fh)
    assert len(template) > 300  # the extraction really found the edge server's strings
    missing = [m.id for m in template if m.id and (m.id not in english or not english[m.id].string
                                                   or english[m.id].fuzzy)]
    assert not missing, f"untranslated in {PO.relative_to(ROOT)}: {missing}"
    for message in english:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(" ".join(ids))), message.id
