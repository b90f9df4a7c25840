"""Text for thermal printers: safe characters, the printer's code page, wrapping to the paper."""

from __future__ import annotations

import textwrap
import unicodedata

# Typography a phone keyboard or a database may hand us, spelled the way a receipt printer can print it.
_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": ",",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u2022": "*",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u00ad": "",
}


def clean_text(text: str) -> str:
    """Drop control characters (they would be printer commands) and map typography to plain signs."""
    out = []
    for ch in text:
        ch = _REPLACEMENTS.get(ch, ch)
        if ch == "\t":
            ch = " "
        elif len(ch) == 1 and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        out.append(ch)
    return "".join(out)


def encode_text(text: str, codec: str) -> bytes:
    """Encode for the printer's code page; a letter it lacks loses its accent, anything else becomes '?'."""
    out = bytearray()
    for ch in clean_text(text):
        try:
            out += ch.encode(codec)
            continue
        except (UnicodeEncodeError, LookupError):
            pass
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        try:
            out += base.encode("ascii") if base else b"?"
        except UnicodeEncodeError:
            out += b"?"
    return bytes(out)


def wrap(text: str, columns: int) -> list[str]:
    """Wrap a paragraph to ``columns`` characters; long words are broken; an empty text is one empty line."""
    columns = max(1, columns)
    lines: list[str] = []
    for paragraph in clean_text(text).split("\n"):
        lines.extend(textwrap.wrap(paragraph, columns, break_long_words=True, break_on_hyphens=False) or [""])
    return lines


def key_value_lines(key: str, value: str, columns: int) -> list[str]:
    """``key ....... value`` on one line when it fits, else the key then the value right-aligned."""
    key, value = clean_text(key).strip(), clean_text(value).strip()
    if len(key) + len(value) + 1 <= columns:
        return [key + " " * (columns - len(key) - len(value)) + value]
    return wrap(key, columns) + [line.rjust(columns) for line in wrap(value, columns)]
