"""Kiosk configuration: a TOML file written by provisioning, overridden by command-line flags.

Every key has a default and is validated at start-up; a bad value raises :class:`ConfigError` whose message names
the key, so a technician reading the journal knows what to fix.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from anjungan_core.config import ConfigError, key_error, load_settings
from anjungan_core.fingerprints import normalise_fingerprint

log = logging.getLogger(__name__)
__all__ = ["ConfigError", "KioskConfig", "build_parser", "from_args", "from_mapping", "load_file", "validate"]

DEFAULT_CONFIG_PATH = "/etc/anjungan/kiosk.toml"
ENV_PREFIX = "ANJUNGAN_KIOSK_"
LANGUAGES = ("id", "en")
ROTATIONS = (0, 90, 180, 270)
PAPER_WIDTHS = (58, 80)


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


def validate(config: KioskConfig) -> KioskConfig:
    """Check every value's range; return ``config`` unchanged or raise ConfigError naming the key."""
    url = urlparse(config.edge_url)
    if url.scheme not in ("http", "https") or not url.netloc:
        raise key_error("edge_url", f"expected http://HOST:PORT, got {config.edge_url!r}")
    if "://" not in config.printer:
        raise key_error("printer", f"expected a printer URL such as usb://VID:PID or virtual://DIR, "
                                   f"got {config.printer!r}")
    if not config.scanner:
        raise key_error("scanner", "expected a scanner spec such as keyboard or evdev:auto")
    if config.paper_width not in PAPER_WIDTHS:
        raise key_error("paper_width", f"expected 58 or 80, got {config.paper_width}")
    if not 10 <= config.idle_timeout <= 3600:
        raise key_error("idle_timeout", f"expected 10 to 3600 seconds, got {config.idle_timeout}")
    if not 1 <= config.countdown <= 120:
        raise key_error("countdown", f"expected 1 to 120 seconds, got {config.countdown}")
    if not 1 <= config.ticket_return <= 120:
        raise key_error("ticket_return", f"expected 1 to 120 seconds, got {config.ticket_return}")
    if config.language not in LANGUAGES:
        raise key_error("language", f"expected one of {', '.join(LANGUAGES)}, got {config.language!r}")
    if config.rotation not in ROTATIONS:
        raise key_error("rotation", f"expected 0, 90, 180 or 270, got {config.rotation}")
    if not 0.5 <= config.request_timeout <= 60:
        raise key_error("request_timeout", f"expected 0.5 to 60 seconds, got {config.request_timeout}")
    if not 5 <= config.heartbeat_interval <= 3600:
        raise key_error("heartbeat_interval", f"expected 5 to 3600 seconds, got {config.heartbeat_interval}")
    if config.timezone:
        try:
            ZoneInfo(config.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise key_error("timezone", f"expected a time zone such as Asia/Jakarta, got {config.timezone!r}") from None
    if config.edge_fingerprint:
        try:
            normalise_fingerprint(config.edge_fingerprint)
        except ValueError:
            raise key_error("edge_fingerprint", f"expected a SHA-256 fingerprint (64 hex digits, AB:CD:...), "
                                                  f"got {config.edge_fingerprint!r}") from None
    return config


def from_mapping(values: dict[str, Any], base: KioskConfig | None = None) -> KioskConfig:
    """Build a validated config from ``values`` (a TOML table or flags) on top of ``base``.

    :raises ConfigError: for an unknown key or a bad value, naming it.
    """
    return validate(load_settings(KioskConfig, env_prefix=ENV_PREFIX, env={}, overrides=values, aliases=_ALIASES,
                                  base=base))


def load_file(path: str) -> KioskConfig:
    """The validated config of a kiosk.toml (keys at the top or in ``[kiosk]``)."""
    return validate(load_settings(KioskConfig, env_prefix=ENV_PREFIX, path=path, table="kiosk", env={},
                                  aliases=_ALIASES))


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
    """The config file, then ``ANJUNGAN_KIOSK_*`` environment variables, then flags; validated."""
    environ = os.environ if environ is None else environ
    path = args.config
    if path is None and os.path.exists(DEFAULT_CONFIG_PATH):
        path = DEFAULT_CONFIG_PATH
    flags = {"edge_url": args.edge_url, "token": args.token, "printer": args.printer,
             "scanner": args.scanner, "language": args.language, "fullscreen": False if args.windowed else None}
    return validate(load_settings(KioskConfig, env_prefix=ENV_PREFIX, path=path, table="kiosk", env=environ,
                                  overrides=flags, aliases=_ALIASES))
