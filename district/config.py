"""District hub configuration: every key defaulted; a TOML file, then DISTRICT_* environment variables override."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from anjungan_core.config import ConfigError, load_settings

__all__ = ["ConfigError", "DistrictConfig", "load_config"]

ENV_PREFIX = "DISTRICT_"


@dataclass(frozen=True)
class DistrictConfig:
    data_dir: str = "/var/lib/anjungan-district"
    database_url: str = ""  # postgresql://...; empty: SQLite in data_dir (the demo)
    host: str = "0.0.0.0"
    port: int = 8090
    workers: int = 4
    threads: int = 4
    timezone: str = "Asia/Jakarta"  # which day is "today" on the dashboard
    secret_key: str = ""  # Flask session key; generated into data_dir/secret_key when empty
    password_hash: str = "scrypt:32768:8:1"
    login_max_failures: int = 5  # wrong passwords in a row (per username) before it is locked
    login_lock_seconds: int = 300
    session_idle_minutes: int = 60  # a dashboard session ends after this long without a request
    session_max_hours: int = 12  # and this long after logging in, whatever
    clock_window_seconds: int = 300
    max_body_bytes: int = 2 * 1024 * 1024  # as sent (compressed)
    max_decompressed_bytes: int = 8 * 1024 * 1024
    max_events_per_batch: int = 2000
    clock_offset_seconds: float = 0.0  # tests only: pretend the hub's clock is off by this much
    public_url: str = ""
    max_backup_bytes: int = 64 * 1024 * 1024  # one encrypted edge backup, streamed to disk
    backups_keep: int = 7  # newest backups kept per village
    backup_stale_hours: int = 48  # a village whose newest backup is older is flagged on the overview
    # Public pages (/t, /s, /verifikasi): requests per client address per minute (per worker), when a village's
    # numbers are flagged as old, the service time assumed before a service has any history.
    public_per_minute: int = 60
    public_stale_seconds: int = 180
    public_service_minutes: float = 5.0
    public_proxy_hops: int = 0  # reverse proxies in front: the client is that many X-Forwarded-For hops back

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def sqlite_path(self) -> Path:
        return Path(self.data_dir) / "district.sqlite3"

    def base_url(self, port: int | None = None) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{port or self.port}"


def load_config(path: str | os.PathLike | None = None, env: dict | None = None, **overrides) -> DistrictConfig:
    """Defaults, then the TOML file (``path``, else ``DISTRICT_CONFIG``; keys at the top or in ``[district]``),
    then DISTRICT_* environment variables, then keyword overrides (None means not given); validated.

    :raises ConfigError: naming the key.
    """
    env = os.environ if env is None else env
    cfg = load_settings(DistrictConfig, env_prefix=ENV_PREFIX, path=path or env.get("DISTRICT_CONFIG") or None,
                        table="district", env=env, overrides=overrides)
    try:
        ZoneInfo(cfg.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"config key 'timezone': unknown time zone {cfg.timezone!r}") from None
    if not 0 <= cfg.port < 65536:
        raise ConfigError(f"config key 'port': {cfg.port} is not a TCP port")
    if cfg.database_url and not cfg.database_url.startswith(("postgresql://", "postgres://", "sqlite:///")):
        raise ConfigError("config key 'database_url': must start with postgresql:// (or sqlite:///)")
    for key in ("workers", "threads", "clock_window_seconds", "max_body_bytes", "max_decompressed_bytes",
                "login_max_failures", "login_lock_seconds", "session_idle_minutes", "session_max_hours",
                "public_per_minute", "public_stale_seconds", "public_service_minutes"):
        if getattr(cfg, key) <= 0:
            raise ConfigError(f"config key '{key}': must be positive")
    return cfg
