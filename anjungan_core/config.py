"""One way every role reads its configuration: a TOML file, then environment variables, then flags.

Each role describes its keys as a frozen dataclass whose every field has a default (`EdgeConfig`, `KioskConfig`,
`DistrictConfig`) and checks the ranges that matter to it; the loading rules are the same for all:
- the file's top-level keys and those of a table named after the role (``[edge]``, ``[kiosk]``) are read;
- an environment variable ``PREFIX + KEY`` (``ANJUNGAN_PORT``) overrides the file; a flag overrides both;
- an unknown key is refused, naming it (a typo never passes silently), and so is a value of the wrong type.
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off", "")


class ConfigError(ValueError):
    """A configuration key is unknown or has a bad value; the message names the key."""


def key_error(key: str, problem: str) -> ConfigError:
    """The one shape of message: ``config key 'port': 70000 is not a TCP port``."""
    return ConfigError(f"config key '{key}': {problem}")


def read_toml(path: str | os.PathLike, table: str) -> dict[str, Any]:
    """The keys of a role's TOML file: top-level keys, and those of ``[table]`` over them.

    :raises ConfigError: naming the file when it is missing, unreadable or not TOML.
    """
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"config file {path}: cannot read it ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    inner = data.pop(table, {})
    if not isinstance(inner, dict):
        raise key_error(table, "expected a table")
    return {**data, **inner}


def coerce(key: str, kind: Any, value: object) -> object:
    """Turn a TOML, environment or flag value into the key's type. :raises ConfigError: naming the key."""
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in TRUE + FALSE:
            return value.strip().lower() in TRUE
        raise key_error(key, f"expected true or false, got {value!r}")
    if kind is int:
        if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
            raise key_error(key, f"expected a whole number, got {value!r}")
        try:
            return int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise key_error(key, f"expected a whole number, got {value!r}") from None
    if kind is float:
        if isinstance(value, bool):
            raise key_error(key, f"expected a number, got {value!r}")
        try:
            return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise key_error(key, f"expected a number, got {value!r}") from None
    if kind is str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise key_error(key, f"expected text, got {value!r}")
        return str(value).strip()
    return value  # a table (dict) or another structured value: the role checks it


def load_settings(schema: type[T], *, env_prefix: str, path: str | os.PathLike | None = None, table: str = "",
                  env: Mapping[str, str] | None = None, overrides: Mapping[str, object] | None = None,
                  aliases: Mapping[str, str] | None = None, base: T | None = None) -> T:
    """Build ``schema`` from ``base`` (default: its defaults), the file, the environment, then ``overrides``.

    :param aliases: other names a file may use for a key (``device_token`` for ``token``).
    :param overrides: flags; a None value means the flag was not given.
    :raises ConfigError: for a bad file, an unknown key or a value of the wrong type, naming it.
    """
    env = os.environ if env is None else env
    aliases = aliases or {}
    kinds = typing.get_type_hints(schema)
    names = [f.name for f in dataclasses.fields(schema)]  # type: ignore[arg-type]
    values: dict[str, object] = {}
    for key, value in (read_toml(path, table) if path else {}).items():
        values[aliases.get(key, key)] = value
    for name in names:
        if (text := env.get(env_prefix + name.upper())) is not None:
            values[name] = text
    values.update({aliases.get(k, k): v for k, v in (overrides or {}).items() if v is not None})
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise key_error(unknown[0], "unknown key")
    typed = {name: coerce(name, kinds[name], value) for name, value in values.items()}
    return dataclasses.replace(base if base is not None else schema(), **typed)  # type: ignore[type-var]
