"""Reading and writing the role configuration files (/etc/anjungan/*.toml) without losing a technician's keys."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from provisioning.target import ProvisioningError


def read_table(path: Path, table: str) -> dict[str, Any]:
    """The keys of ``path`` (top-level keys and a ``[table]`` of the role's name, merged); {} when missing.

    :raises ProvisioningError: when the file exists but is not TOML.
    """
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProvisioningError(f"{path}: bukan TOML yang benar / not valid TOML: {exc}") from None
    inner = data.pop(table, {})
    return {**data, **inner} if isinstance(inner, dict) else data


def render(values: dict[str, Any], header: str) -> str:
    """TOML text: a comment header, then the keys in a stable order (managed keys first, as given)."""
    body = tomli_w.dumps({k: v for k, v in values.items() if v is not None})
    return "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) + "\n" + body
