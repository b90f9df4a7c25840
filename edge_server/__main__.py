"""`python -m edge_server`: serve, sync, residents, users (CONTRACTS.md section 1)."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

log = logging.getLogger("edge_server")


def _setup_logging() -> None:
    logging.basicConfig(level=os.environ.get("ANJUNGAN_LOG_LEVEL", "INFO"), stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # peewee logs every query's parameters at DEBUG, and those carry NIKs: never below INFO.
    logging.getLogger("peewee").setLevel(max(logging.INFO, logging.getLogger().level))


def _config(args, **overrides):
    from .config import load_config

    path = args.config or os.environ.get("ANJUNGAN_CONFIG")
    if path is None and Path("/etc/anjungan/edge.toml").exists() and not args.data_dir:
        path = "/etc/anjungan/edge.toml"
    return load_config(path, data_dir=args.data_dir, **overrides)


def cmd_serve(args) -> int:
    """Run the edge server on waitress (a production WSGI server); with a certificate, see _serve_tls."""
    from waitress import create_server

    from . import create_app
    from .clock import Clock
    from .demo import seed_demo, write_demo_json

    overrides = {"host": args.host, "port": args.port}
    if args.demo:
        overrides.update(village_code="33.17.09.2016", village_name="Mojowarno")
        if "ANJUNGAN_CLOCK_SOURCE" not in os.environ:
            overrides["clock_source"] = "host"  # a demo on a laptop or container trusts the host's clock
    cfg = _config(args, **overrides)
    if not cfg.public_url and cfg.host in ("0.0.0.0", "", "::"):  # serving the LAN, but QR codes would say 127.0.0.1
        log.warning("public_url is not set: QR codes on tickets and letters would point at 127.0.0.1, which no "
                    "phone can open; run `provisioning edge` or set public_url to this server's LAN address")
    if cfg.tls_enabled:
        return _serve_tls(args, cfg)
    if cfg.workers > 1:
        return _serve_workers(args, cfg)
    fresh = not cfg.database_path.exists()
    clock = Clock(cfg.zone)
    app = create_app(cfg, clock=clock)
    server = create_server(app, host=cfg.host, port=cfg.port, threads=cfg.threads, ident="anjungan-edge",
                           channel_timeout=120, connection_limit=200,
                           channel_request_lookahead=1)  # a board stream notices its client leaving at once
    port = int(server.effective_port)
    host = cfg.host
    if args.demo and fresh:
        from dataclasses import replace

        url_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        cfg = replace(cfg, port=port)
        app.extensions["edge_config"] = cfg
        with app.app_context():
            demo = seed_demo(cfg, clock, f"http://{url_host}:{port}")
        write_demo_json(cfg.data_dir, demo)
        log.info("demo data written to %s", Path(cfg.data_dir) / "demo.json")
    elif port != cfg.port:
        from dataclasses import replace

        app.extensions["edge_config"] = replace(cfg, port=port)
    _start_background_jobs(app, cfg, clock)
    log.info("listening on http://%s:%d", host, port)
    import sdnotify

    sdnotify.ready(f"listening on port {port}")
    sdnotify.start_watchdog(lambda: _answers_health(host, port))
    _stop_board_streams_on_interrupt(app)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    return 0


def _start_background_jobs(app, cfg, clock) -> None:
    """The in-process threads `serve` runs exactly once: timekeeper, district sync, retention, backups, cameras."""
    _start_timekeeper(app, cfg, clock)
    _start_single_jobs(app)


def _start_timekeeper(app, cfg, clock, shared: bool = False) -> None:
    """The clock's verdict, in every process that serves requests (`shared`: re-read what other workers saved)."""
    from .timekeeping import Timekeeper

    timekeeper = Timekeeper(clock, Path(cfg.data_dir) / "clock.json", policy=cfg.clock_source, shared=shared)
    app.extensions["timekeeper"] = timekeeper
    timekeeper.start(interval=5.0 if shared else 30.0)
    if not clock.verdict.trusted:
        log.warning("clock NOT trusted: %s", clock.verdict.reason)


def _start_single_jobs(app) -> None:
    """The outbox's ticket.issued events, district sync, retention, backups, cameras: exactly one process runs
    these."""
    from .retention import start_retention_job
    from .sync import start_background_sync
    from .sync.outbox import start_issued_events_writer

    start_issued_events_writer(app.extensions["edge_config"].outbox_write_seconds)
    start_background_sync(app)
    start_retention_job(app)
    from .backup import start_nightly_backups

    start_nightly_backups(app)
    from .info.cameras import start_camera_refresher

    start_camera_refresher(app)  # public cameras: fetched here only, never by create_app (tests, CLI)


def _serve_tls(args, cfg) -> int:
    """HTTPS on tls_port from `cfg.workers` granian processes, plain HTTP on port beside it (this machine: the
    app; the LAN: a redirect); see workers_server.py."""
    from dataclasses import replace

    import sdnotify

    from .config import ConfigError
    from .tls import CertificatePages, LanRedirect, load_certificate
    from .workers_server import Tls, bind_listener, reserve_port

    certificate = load_certificate(cfg)  # a missing or mismatched file stops here, naming the key
    try:
        http_sock = bind_listener(cfg.host, cfg.port)
        held = reserve_port(cfg.host, cfg.tls_port)
    except OSError as exc:
        raise ConfigError(f"config key 'port'/'tls_port': cannot listen on {cfg.host}: {exc.strerror}") from None
    port, tls_port = http_sock.getsockname()[1], held.getsockname()[1]
    cfg = replace(cfg, port=port, tls_port=tls_port)
    app, clock = _app_before_fork(args, cfg)
    host = cfg.host

    def on_ready() -> None:
        log.info("listening on http://%s:%d", host, port)
        log.info("listening on https://%s:%d (certificate SHA-256 %s, %d worker processes)", host, tls_port,
                 certificate.fingerprint, cfg.workers)
        sdnotify.ready(f"listening on ports {port} and {tls_port} (https)")
        sdnotify.start_watchdog(lambda: _answers_health(host, port))

    https_app = CertificatePages(app, certificate)
    _fork_workers(https_app, app, clock, cfg, held, on_ready,
                  tls=Tls(cfg.tls_cert, cfg.tls_key, LanRedirect(https_app, tls_port), http_sock))
    return 0


def _fork_workers(served, app, clock, cfg, held, on_ready, tls=None) -> None:
    """`served` (the app, or it behind the certificate pages) from `cfg.workers` granian processes: each on a core
    of its own (`pin_workers`), a timekeeper in each, the single jobs in the one holding jobs.lock, the board
    streams ended first on a stop."""
    from .display import stop_streams
    from .workers_server import serve_workers

    serve_workers(served, held, workers=cfg.workers, threads=cfg.threads, on_ready=on_ready,
                  start_worker=lambda: _start_timekeeper(app, cfg, clock, shared=True),
                  start_jobs=lambda: _start_single_jobs(app), jobs_lock=Path(cfg.data_dir) / "jobs.lock",
                  stop_streams=lambda: stop_streams(app), tls=tls,
                  pin_dir=Path(cfg.data_dir) if cfg.pin_workers else None)


def _app_before_fork(args, cfg):
    """Build the app (migrating the database) and seed the demo on a fresh data dir, once, in the parent process;
    then close every SQLite connection, so none crosses the fork into the workers. :returns: (app, clock)."""
    from . import create_app
    from .clock import Clock
    from .db import close_all_connections
    from .demo import seed_demo, write_demo_json

    fresh = not cfg.database_path.exists()
    clock = Clock(cfg.zone)
    app = create_app(cfg, clock=clock)
    if args.demo and fresh:
        url_host = "127.0.0.1" if cfg.host in ("0.0.0.0", "") else cfg.host
        with app.app_context():
            demo = seed_demo(cfg, clock, f"http://{url_host}:{cfg.port}")
        write_demo_json(cfg.data_dir, demo)
        log.info("demo data written to %s", Path(cfg.data_dir) / "demo.json")
    close_all_connections()
    return app, clock


def _serve_workers(args, cfg) -> int:
    """Plain HTTP from `cfg.workers` processes (see workers_server.py); the app is built, the database migrated
    and the demo seeded once, before the fork."""
    from dataclasses import replace

    import sdnotify

    from .config import ConfigError
    from .workers_server import reserve_port

    try:
        held = reserve_port(cfg.host, cfg.port)
    except OSError as exc:
        raise ConfigError(f"config key 'port': cannot listen on {cfg.host}:{cfg.port}: {exc.strerror}") from None
    port = held.getsockname()[1]
    cfg = replace(cfg, port=port)
    app, clock = _app_before_fork(args, cfg)
    host = cfg.host

    def on_ready() -> None:
        log.info("listening on http://%s:%d (%d worker processes)", host, port, cfg.workers)
        sdnotify.ready(f"listening on port {port}")
        sdnotify.start_watchdog(lambda: _answers_health(host, port))

    _fork_workers(app, app, clock, cfg, held, on_ready)
    return 0


def _stop_board_streams_on_interrupt(app) -> None:
    """On Ctrl-C, end the board's event streams first: waitress would otherwise wait 5 s for their threads."""
    import signal

    from .display import stop_streams

    def interrupt(signum, frame):
        stop_streams(app)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)


def _answers_health(host: str, port: int) -> bool:
    """The watchdog's self-check: our own /api/v1/health answers 200 within 10 seconds."""
    from urllib.request import urlopen

    host = "127.0.0.1" if host in ("0.0.0.0", "", "::") else (f"[{host}]" if ":" in host else host)
    with urlopen(f"http://{host}:{port}/api/v1/health", timeout=10) as response:
        return response.status == 200


def cmd_sync(args) -> int:
    """Send everything pending to the district; exit 0 once all of it is acknowledged."""
    from . import create_app
    from .sync import sync_once

    cfg = _config(args)
    app = create_app(cfg)
    ok = sync_once(app)
    return 0 if ok else 1


def cmd_residents(args) -> int:
    from .residents_cli import run

    return run(args, _config(args))


def cmd_users(args) -> int:
    from .users_cli import run

    return run(args, _config(args))


def cmd_backup(args) -> int:
    from .backup_cli import run_backup

    return run_backup(args, _config(args))


def cmd_restore(args) -> int:
    from .backup_cli import run_restore

    return run_restore(args, _config(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m edge_server",
                                     description="Anjungan Desa edge server for one village hall.")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--data-dir", help="folder for the database and generated files")
        p.add_argument("--config", help="TOML configuration file (default /etc/anjungan/edge.toml)")

    serve = sub.add_parser("serve", help="run the web server (kiosk API, staff console, board)")
    common(serve)
    serve.add_argument("--host", help="address to listen on (default 0.0.0.0)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8080)")
    serve.add_argument("--demo", action="store_true", help="seed the demo village Mojowarno on an empty data dir")
    serve.set_defaults(func=cmd_serve)

    sync = sub.add_parser("sync", help="send pending records to the district hub")
    common(sync)
    sync.add_argument("--once", action="store_true", required=True, help="send what is pending, then exit")
    sync.set_defaults(func=cmd_sync)

    residents = sub.add_parser("residents", help="manage residents (import an OpenSID export)")
    rsub = residents.add_subparsers(dest="residents_command", required=True)
    imp = rsub.add_parser("import", help="import residents from an OpenSID export (XLSX or CSV), all or nothing")
    imp.add_argument("file")
    common(imp)
    imp.add_argument("--full", action="store_true", help="the file is the whole population")
    imp.add_argument("--yes", action="store_true", help="do not ask before deactivating")
    imp.set_defaults(func=cmd_residents)

    backup = sub.add_parser("backup", help="make a consistent backup of the database now")
    common(backup)
    backup.add_argument("--to", help="folder for the backup (default DATA_DIR/backups)")
    backup.add_argument("--keep", type=int, default=7, help="how many backups to keep (default 7)")
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser("restore", help="replace the database with a backup (stop the server first)")
    restore.add_argument("file", help="a backup file (edge-YYYYMMDD-HHMMSS.sqlite3.gz)")
    common(restore)
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.set_defaults(func=cmd_restore)

    users = sub.add_parser("users", help="staff accounts (works offline)")
    usub = users.add_subparsers(dest="users_command", required=True)
    add = usub.add_parser("add", help="add a staff user; prints the password once")
    add.add_argument("username")
    add.add_argument("--role", choices=["operator", "admin"], default="operator")
    common(add)
    reset = usub.add_parser("reset-password", help="set a new password; prints it once")
    reset.add_argument("username")
    common(reset)
    disable = usub.add_parser("disable", help="disable a staff user")
    disable.add_argument("username")
    common(disable)
    for p in (add, reset, disable):
        p.set_defaults(func=cmd_users)
    return parser


def main(argv: list[str] | None = None) -> int:
    _setup_logging()
    args = build_parser().parse_args(argv)
    from .config import ConfigError

    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
