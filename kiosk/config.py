"""Kiosk configuration: a TOML file written by provisioning, overridden by command-line flags.

Every key has a default and is validated at start-up; a bad value raises :class:`ConfigError` whose message names
the key, so a technician reading the journal knows what to fix.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import tomllib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)

DEFAULT_CONFIG_PATH = "/etc/anjungan/kiosk.toml"
LANGUAGES = ("id", "en")
ROTATIONS = (0, 90, 180, 270)
PAPER_WIDTHS = (58, 80)


class ConfigError(ValueError):
    """A configuration value is missing or wrong; the message names the key."""


@dataclass(frozen=True)
class KioskConfig:
    """Everything the kiosk needs to run, each with a working default for the demo."""

    edge_url: str = "http://127.0.0.1:8080"
    token: str = ""
    printer: str = "virtual:///var/lib/anjungan/receipts"
    scanner: str = "keyboard"
    paper_width: int = 58
    idle_timeout: int = 45
    countdown: int = 20
    ticket_return: int = 10
    language: str = "id"
    rotation: int = 0
    fullscreen: bool = True
    sound: bool = True
    request_timeout: float = 8.0
    heartbeat_interval: int = 30
    name: str = "Kiosk"
    edge_fingerprint: str = ""  # SHA-256 of the edge's HTTPS certificate (AB:CD:...), pinned by provisioning
    timezone: str = ""  # the village's IANA zone (Asia/Makassar); the edge's /health answer wins once it is heard

    def replace(self, **changes: Any) -> KioskConfig:
        """Return a copy with ``changes`` applied and validated."""
        return validate(dataclasses.replace(self, **changes))


_FIELDS = {f.name: f for f in dataclasses.fields(KioskConfig)}
# Provisioning writes ``device_token``; the flag is ``--token``. Both mean the same key.
_ALIASES = {"device_token": "token", "edge": "edge_url", "printer_url": "printer", "scanner_spec": "scanner"}


def _coerce(key: str, value: Any) -> Any:
    """Turn a TOML or flag value into the field's type, or raise ConfigError naming ``key``."""
    kind = type(getattr(KioskConfig, key))
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            return value.lower() in ("1", "true", "yes", "on")
        raise ConfigError(f"{key}: expected true or false, got {value!r}")
    if kind is int:
        if isinstance(value, bool):
            raise ConfigError(f"{key}: expected a whole number, got {value!r}")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{key}: expected a whole number, got {value!r}") from None
    if kind is float:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{key}: expected a number, got {value!r}") from None
    if not isinstance(value, str):
        raise ConfigError(f"{key}: expected text, got {value!r}")
    return value.strip()


def validate(config: KioskConfig) -> KioskConfig:
    """Check every value's range; return ``config`` unchanged or raise ConfigError naming the key."""
    url = urlparse(config.edge_url)
    if url.scheme not in ("http", "https") or not url.netloc:
        raise ConfigError(f"edge_url: expected http://HOST:PORT, got {config.edge_url!r}")
    if "://" not in config.printer:
        raise ConfigError(f"printer: expected a printer URL such as usb://VID:PID or virtual://DIR, "
                          f"got {config.printer!r}")
    if not config.scanner:
        raise ConfigError("scanner: expected a scanner spec such as keyboard or evdev:auto")
    if config.paper_width not in PAPER_WIDTHS:
        raise ConfigError(f"paper_width: expected 58 or 80, got {config.paper_width}")
    if not 10 <= config.idle_timeout <= 3600:
        raise ConfigError(f"idle_timeout: expected 10 to 3600 seconds, got {config.idle_timeout}")
    if not 1 <= config.countdown <= 120:
        raise ConfigError(f"countdown: expected 1 to 120 seconds, got {config.countdown}")
    if not 1 <= config.ticket_return <= 120:
        raise ConfigError(f"ticket_return: expected 1 to 120 seconds, got {config.ticket_return}")
    if config.language not in LANGUAGES:
        raise ConfigError(f"language: expected one of {', '.join(LANGUAGES)}, got {config.language!r}")
    if config.rotation not in ROTATIONS:
        raise ConfigError(f"rotation: expected 0, 90, 180 or 270, got {config.rotation}")
    if not 0.5 <= config.request_timeout <= 60:
        raise ConfigError(f"request_timeout: expected 0.5 to 60 seconds, got {config.request_timeout}")
    if not 5 <= config.heartbeat_interval <= 3600:
        raise ConfigError(f"heartbeat_interval: expected 5 to 3600 seconds, got {config.heartbeat_interval}")
    if config.timezone:
        try:
            ZoneInfo(config.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"timezone: expected a time zone such as Asia/Jakarta, got {config.timezone!r}") from None
    digest = config.edge_fingerprint.lower().removeprefix("sha256:").replace(":", "")
    if config.edge_fingerprint and (len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest)):
        raise ConfigError(f"edge_fingerprint: expected a SHA-256 fingerprint (64 hex digits, AB:CD:...), "
                          f"got {config.edge_fingerprint!r}")
    return config


def from_mapping(values: dict[str, Any], base: KioskConfig | None = None) -> KioskConfig:
    """Build a validated config from ``values`` (TOML table or flags) on top of ``base``.

    Unknown keys are logged and ignored, so a newer provisioning tool does not stop an older kiosk.
    """
    changes: dict[str, Any] = {}
    for raw_key, value in values.items():
        key = _ALIASES.get(raw_key, raw_key)
        if key not in _FIELDS:
            log.warning("config: unknown key %r ignored", raw_key)
            continue
        changes[key] = _coerce(key, value)
    return validate(dataclasses.replace(base or KioskConfig(), **changes))


def load_file(path: str) -> dict[str, Any]:
    """Read a TOML file; a ``[kiosk]`` table, if present, holds the keys.

    :raises ConfigError: when the file is unreadable or not TOML.
    """
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"config: cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config: {path} is not valid TOML: {exc}") from None
    table = data.get("kiosk", data)
    if not isinstance(table, dict):
        raise ConfigError("kiosk: expected a table")
    return table


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m kiosk`` command line."""
    parser = argparse.ArgumentParser(
        prog="python -m kiosk",
        description="Anjungan Desa kiosk: the resident's touchscreen app.",
        epilog=f"Without --config, {DEFAULT_CONFIG_PATH} is read when it exists. Flags override the file.")
    parser.add_argument("--config", metavar="FILE", help="TOML configuration file written by provisioning")
    parser.add_argument("--edge-url", metavar="URL", help="edge server base URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--token", metavar="T", help="device token from pairing")
    parser.add_argument("--printer", metavar="URL", help="printer URL, e.g. usb://0416:5011 or virtual://DIR")
    parser.add_argument("--scanner", metavar="SPEC", help="scanner spec, e.g. evdev:auto or keyboard")
    parser.add_argument("--language", choices=LANGUAGES, help="default language")
    parser.add_argument("--windowed", action="store_true", help="run in a window instead of full screen (demo)")
    parser.add_argument("--size", metavar="WxH", help="window size when --windowed, e.g. 800x480")
    return parser


def from_args(args: argparse.Namespace, environ: dict[str, str] | None = None) -> KioskConfig:
    """Combine the config file, then ``ANJUNGAN_KIOSK_*`` environment variables, then flags."""
    environ = os.environ if environ is None else environ
    path = args.config
    if path is None and os.path.exists(DEFAULT_CONFIG_PATH):
        path = DEFAULT_CONFIG_PATH
    values: dict[str, Any] = load_file(path) if path else {}
    for key in _FIELDS:
        env_value = environ.get(f"ANJUNGAN_KIOSK_{key.upper()}")
        if env_value is not None:
            values[key] = env_value
    flags = {"edge_url": args.edge_url, "token": args.token, "printer": args.printer,
             "scanner": args.scanner, "language": args.language}
    values.update({k: v for k, v in flags.items() if v is not None})
    if args.windowed:
        values["fullscreen"] = False
    return from_mapping(values)
