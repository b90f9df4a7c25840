"""`python -m district`: serve, villages (add / rotate / revoke / list), staff add / disable, admin-token."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import datetime

log = logging.getLogger("district")


def _now(cfg) -> datetime:
    """Now, as naive UTC, from the shared clock (the same one the hub's app uses)."""
    from anjungan_core.clock import Clock

    return Clock(cfg.zone).utcnow()


def _setup_logging() -> None:
    logging.basicConfig(level=os.environ.get("DISTRICT_LOG_LEVEL", "INFO"), stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _config(args, **overrides):
    from .config import load_config

    return load_config(data_dir=args.data_dir, database_url=getattr(args, "database_url", None), **overrides)


def _open(cfg) -> None:
    from .db import migrate, open_database

    migrate(open_database(cfg.database_url, cfg.sqlite_path))


def cmd_serve(args) -> int:
    """Migrate once, seed the demo if asked, then run gunicorn workers."""
    from .demo import seed_demo
    from .server import free_port, serve

    cfg = _config(args, host=args.host, port=args.port, workers=args.workers)
    _open(cfg)
    port = cfg.port or free_port(cfg.host)
    if args.demo:
        demo = seed_demo(cfg.data_dir, cfg.base_url(port), _now(cfg), cfg.password_hash)
        if demo:
            log.info("demo: 23 villages of Kecamatan Kaliori registered; logins in %s/demo.json", cfg.data_dir)
            print(f"district dashboard login: {demo['staff'][0]['username']} / {demo['staff'][0]['password']}",
                  flush=True)
    from .db import database

    # Workers open their own connections after fork; none may inherit one of ours.
    if hasattr(database.obj, "close_all"):
        database.obj.close_all()
    else:
        database.close()
    serve(cfg, port)
    return 0


def cmd_villages(args) -> int:
    from .models import Village
    from .registry import RegistryError, add_village, revoke_village, rotate_secret

    cfg = _config(args)
    _open(cfg)
    try:
        if args.villages_command == "add":
            village, secret = add_village(args.code, args.name, _now(cfg))
            print(f"village {village.code} {village.name} registered")
            print(f"secret (shown once; put it in the edge's district_secret): {secret}")
        elif args.villages_command == "rotate":
            secret = rotate_secret(args.code, _now(cfg))
            print(f"new secret (shown once; the old one no longer works): {secret}")
        elif args.villages_command == "revoke":
            revoke_village(args.code)
            print("village revoked: its batches are refused from now on")
        else:
            for v in Village.select().order_by(Village.code):
                state = "active" if v.active else "revoked"
                print(f"{v.code}  {v.name:<24} {state:<8} acked_through={v.acked_through}")
    except RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_staff(args) -> int:
    from .registry import RegistryError, add_staff, disable_staff

    cfg = _config(args)
    _open(cfg)
    try:
        if args.staff_command == "disable":
            disable_staff(args.username)
            print(f"dashboard login {args.username.strip().lower()} disabled; its sessions ended")
            return 0
        password = add_staff(args.username, _now(cfg), cfg.password_hash)
    except RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"dashboard login {args.username.strip().lower()}, password (shown once): {password}")
    return 0


def cmd_admin_token(args) -> int:
    from .registry import new_admin_token

    cfg = _config(args)
    _open(cfg)
    print(f"admin token for the summary API (shown once; the old one stops working): {new_admin_token()}")
    return 0


def cmd_releases(args) -> int:
    """Publish a signed release tarball (made with `python -m updater build`) for devices to fetch."""
    from pathlib import Path

    from .releases import ReleaseError, add_release, latest, read_signature

    cfg = _config(args)
    _open(cfg)
    try:
        if args.releases_command == "add":
            signature = read_signature(Path(args.signature).read_bytes())
            release = add_release(cfg.data_dir, Path(args.tarball), signature, _now(cfg))
            print(f"release {release.version} published ({release.size} bytes, sha256 {release.sha256[:16]}...)")
        else:
            newest = latest()
            print(f"latest release: {newest.version}" if newest else "no release published")
    except (ReleaseError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m district", description="Anjungan Desa district hub.")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--data-dir", required=True, help="folder for the SQLite file, secrets and demo.json")
        p.add_argument("--database-url", help="postgresql://user@host/db (default: SQLite in the data dir)")

    serve = sub.add_parser("serve", help="run the hub (gunicorn, several workers)")
    common(serve)
    serve.add_argument("--host", help="address to listen on (default 0.0.0.0)")
    serve.add_argument("--port", type=int, help="port (default 8090; 0 picks a free one)")
    serve.add_argument("--workers", type=int, help="gunicorn worker processes (default 4)")
    serve.add_argument("--demo", action="store_true", help="register the 23 villages of Kecamatan Kaliori")
    serve.set_defaults(func=cmd_serve)

    villages = sub.add_parser("villages", help="register villages and their secrets")
    vsub = villages.add_subparsers(dest="villages_command", required=True)
    add = vsub.add_parser("add", help="register a village; prints its secret once")
    add.add_argument("--code", required=True, help="33.17.09.2016 or 3317092016")
    add.add_argument("--name", required=True)
    rotate = vsub.add_parser("rotate", help="give a village a new secret; prints it once")
    rotate.add_argument("--code", required=True)
    revoke = vsub.add_parser("revoke", help="refuse a village's batches from now on")
    revoke.add_argument("--code", required=True)
    listing = vsub.add_parser("list", help="list villages")
    for p in (add, rotate, revoke, listing):
        common(p)
        p.set_defaults(func=cmd_villages)

    staff = sub.add_parser("staff", help="dashboard logins")
    ssub = staff.add_subparsers(dest="staff_command", required=True)
    sadd = ssub.add_parser("add", help="create or reset a login; prints the password once")
    sadd.add_argument("username")
    common(sadd)
    sadd.set_defaults(func=cmd_staff)
    sdis = ssub.add_parser("disable", help="refuse a login from now on and end its sessions")
    sdis.add_argument("username")
    common(sdis)
    sdis.set_defaults(func=cmd_staff)

    rel = sub.add_parser("releases", help="signed software releases for edge servers and kiosks")
    rsub = rel.add_subparsers(dest="releases_command", required=True)
    radd = rsub.add_parser("add", help="publish a release tarball with its manifest signature")
    radd.add_argument("tarball", help="release tarball from `python -m updater build`")
    radd.add_argument("--signature", required=True, help="the manifest's Ed25519 signature file (.sig)")
    rlatest = rsub.add_parser("latest", help="print the newest published version")
    for p in (radd, rlatest):
        common(p)
        p.set_defaults(func=cmd_releases)

    token = sub.add_parser("admin-token", help="a new admin token for the summary API; prints it once")
    common(token)
    token.set_defaults(func=cmd_admin_token)
    return parser


def main(argv: list[str] | None = None) -> int:
    _setup_logging()
    args = build_parser().parse_args(argv)
    from peewee import OperationalError

    from .config import ConfigError

    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:  # no database server, wrong credentials, locked file...
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"error: cannot use the database: {first_line}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
