"""Edge server configuration: one TOML file, every key defaulted, environment overrides, validated at start."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from anjungan_core.config import ConfigError, load_settings
from anjungan_core.regions import dotted_village_code

__all__ = ["ConfigError", "EdgeConfig", "load_config", "validate"]

ENV_PREFIX = "ANJUNGAN_"


@dataclass(frozen=True)
class EdgeConfig:
    data_dir: str = "/var/lib/anjungan"
    host: str = "0.0.0.0"
    port: int = 8080
    village_code: str = ""
    village_name: str = ""
    timezone: str = "Asia/Jakarta"
    public_url: str = ""  # base URL printed in QR codes; defaults to http://HOST:PORT
    secret_key: str = ""  # Flask session key; generated into DATA_DIR/secret_key when empty
    password_hash: str = "scrypt:32768:8:1"  # werkzeug method; tests lower the cost
    pin_hash: str = "scrypt:16384:8:1"
    staff_session_minutes: int = 480
    staff_idle_minutes: int = 60  # a console login unused this long ends (the console's polling counts as use)
    login_max_failures: int = 5
    login_lock_seconds: int = 300
    kiosk_session_seconds: int = 300
    pin_max_failures: int = 3
    pin_lock_seconds: int = 60
    identify_per_minute: int = 120
    pairing_code_minutes: int = 60
    default_service_minutes: float = 5.0
    district_url: str = ""
    district_secret: str = ""
    # The district hub's public base URL (e.g. https://layanan.rembangkab.go.id): when set, the QR codes on tickets,
    # letter receipts and letters point at the hub's public pages, reachable from any phone; empty: the LAN pages.
    district_public_url: str = ""
    sync_interval_seconds: float = 15.0
    sync_backoff_base_seconds: float = 2.0
    sync_backoff_max_seconds: float = 240.0
    sync_retention_days: int = 30
    # how often the ticket.issued events of new tickets are written to the outbox in bulk (sync/outbox.py)
    outbox_write_seconds: float = 1.0
    # Backups sent to the district are encrypted with a key derived from this passphrase when set (the hub never
    # sees it), else from district_secret (which the hub holds); see edge_server/backup_crypto.py.
    backup_key: str = ""
    counter_printer: str = ""
    espeak_command: str = "espeak-ng"
    voice: str = "id"
    threads: int = 24
    workers: int = 1  # web server processes on plain HTTP; more than one uses the cores (SQLite WAL is shared)
    pin_workers: bool = True  # each worker process on a core of its own, when there are enough (cpu_pinning.py)
    language: str = "id"
    clock_source: str = "auto"  # auto: trust the clock only once NTP, the district or an admin vouches; host: always
    # HTTPS on the LAN (edge_server/tls.py): with a certificate, `port` stays plain HTTP, serving the app to this
    # machine (127.0.0.1: a kiosk on the same Pi, the watchdog) and redirecting everyone else to https on tls_port.
    tls_cert: str = ""  # PEM certificate file; empty: plain HTTP only, as before
    tls_key: str = ""  # PEM private key file (0640 root:anjungan-edge)
    tls_port: int = 8443  # 0: any free port (tests)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def database_path(self) -> Path:
        return Path(self.data_dir) / "edge.sqlite3"

    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        if self.tls_enabled:
            return f"https://{host}:{self.tls_port}"
        return f"http://{host}:{self.port}"

    def public_pages_url(self) -> str:
        """Where the printed QR codes and the API's track/verification URLs point: the hub when configured."""
        if self.district_public_url:
            return self.district_public_url.rstrip("/")
        return self.base_url()

    @property
    def tls_enabled(self) -> bool:
        return bool(self.tls_cert)


def validate(cfg: EdgeConfig) -> EdgeConfig:
    """Check values that parse but make no sense; raise ConfigError naming the key."""
    try:
        ZoneInfo(cfg.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"config key 'timezone': unknown time zone {cfg.timezone!r}") from None
    if not 0 <= cfg.port < 65536:  # 0: any free port (tests)
        raise ConfigError(f"config key 'port': {cfg.port} is not a TCP port")
    for key in ("kiosk_session_seconds", "pin_max_failures", "threads", "login_max_failures", "staff_idle_minutes",
                "staff_session_minutes", "workers", "outbox_write_seconds"):
        if getattr(cfg, key) <= 0:
            raise ConfigError(f"config key '{key}': must be positive")
    if not 0 <= cfg.tls_port < 65536:
        raise ConfigError(f"config key 'tls_port': {cfg.tls_port} is not a TCP port")
    if bool(cfg.tls_cert) != bool(cfg.tls_key):
        raise ConfigError("config key 'tls_key': tls_cert and tls_key go together")
    if cfg.tls_cert and cfg.port and cfg.port == cfg.tls_port:
        raise ConfigError("config key 'tls_port': must differ from 'port' (plain HTTP stays on 'port')")
    if cfg.clock_source not in ("auto", "host"):
        raise ConfigError("config key 'clock_source': must be 'auto' or 'host'")
    if cfg.language not in ("id", "en"):
        raise ConfigError("config key 'language': must be 'id' or 'en'")
    if cfg.village_code and dotted_village_code(cfg.village_code) is None:
        raise ConfigError(f"config key 'village_code': {cfg.village_code!r} is not a 10-digit region code")
    if cfg.district_public_url and not cfg.district_public_url.startswith(("https://", "http://")):
        raise ConfigError("config key 'district_public_url': must start with https:// (or http://)")
    if bool(cfg.district_url) != bool(cfg.district_secret):
        raise ConfigError("config key 'district_secret': district_url and district_secret go together")
    return cfg


def load_config(path: str | os.PathLike | None = None, env: dict | None = None, **overrides) -> EdgeConfig:
    """Read the TOML file (if any; keys at the top or in ``[edge]``), then ANJUNGAN_* environment variables,
    then keyword overrides; validate. :raises ConfigError: naming the key."""
    return validate(load_settings(EdgeConfig, env_prefix=ENV_PREFIX, path=path, table="edge", env=env,
                                  overrides=overrides))
