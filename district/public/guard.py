"""A masked name may travel (`B**i S*****o`); a full one must not, whatever key it hides under (pure)."""
from __future__ import annotations

import re

# One word of a masked name: a single letter, or its first letter, stars, and at most its last letter.
_MASKED_WORD = re.compile(r"^[^\s*]$|^[^\s*]\*+[^\s*]?$")


def is_masked(name: str) -> bool:
    """True when every word of `name` is masked the way the edge masks names (empty counts as masked)."""
    return all(_MASKED_WORD.match(word) for word in name.split())


def unmasked_name(data, path: str = "data") -> str | None:
    """Where a `*_masked` field carries a name that is not masked (e.g. "data.name_masked"), or None."""
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{str(key)[:40]}"
            if str(key).lower().endswith("_masked") and (not isinstance(value, str) or not is_masked(value)):
                return where
            found = unmasked_name(value, where) if isinstance(value, (dict, list)) else None
            if found:
                return found
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found = unmasked_name(value, f"{path}[{index}]")
            if found:
                return found
    return None
