"""`python -m updater`: keygen and build (the release maker's side); check and apply (a device's side, run by
anjungan-update.timer as root so it can restart the services it replaces)."""
from __future__ import annotations

import argparse
import io
import logging
import os
import subprocess
import sys
import tarfile
from pathlib import Path

from .manifest import ReleaseRejected, build, new_keypair, sign

log = logging.getLogger("updater")
DEFAULT_ROOT = "/opt/anjungan"
DEFAULT_PUBKEY = "/etc/anjungan/release.pub"


def cmd_keygen(args) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    private, public = new_keypair()
    fd = os.open(out / "release.key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(private)
    (out / "release.pub").write_bytes(public)
    print(f"private key {out / 'release.key'} (keep it offline); public key {out / 'release.pub'} "
          f"(give it to provisioning --release-pubkey)")
    return 0


def build_release(wheels: Path, version: str, requirement: str, private_pem: bytes, out: Path) -> Path:
    """A release tarball (manifest.json + the wheels) at `out` and its manifest signature at `out`.sig."""
    files = {p.name: p.read_bytes() for p in sorted(wheels.glob("*.whl"))}
    if not files:
        raise ReleaseRejected(f"no wheels in {wheels}")
    manifest = build(version, requirement, files)
    with tarfile.open(out, "w:gz") as tar:
        for name, content in [("manifest.json", manifest), *files.items()]:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(content), 0o644
            tar.addfile(info, io.BytesIO(content))
    signature = out.with_name(out.name + ".sig")
    signature.write_text(sign(private_pem, manifest) + "\n")
    return signature


def cmd_build(args) -> int:
    try:
        sig = build_release(Path(args.wheels), args.version, args.requirement or f"anjungan-desa=={args.version}",
                            Path(args.key).read_bytes(), Path(args.out))
    except (ReleaseRejected, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"release {args.out} and signature {sig}; publish with: python -m district releases add {args.out} "
          f"--signature {sig} --data-dir ...")
    return 0


def _device_run(args, dry: bool) -> int:
    from .apply import apply_release, download, fetch_latest, installed_version
    from .manifest import is_newer, parse, verify

    root = Path(args.root)
    try:
        public_pem = Path(args.pubkey).read_bytes()
        info = fetch_latest(args.url)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if dry:
        try:
            verify(public_pem, str(info.get("manifest", "")).encode(), str(info.get("signature", "")))
            version = parse(str(info["manifest"]).encode()).version
        except ReleaseRejected as exc:
            print(f"rejected: {exc}", file=sys.stderr)
            return 1
        current = installed_version(root)
        newer = is_newer(version, current)
        print(f"running {current}; district offers {version}" + (" (newer)" if newer else " (nothing to do)"))
        return 10 if newer else 0

    def restart() -> None:
        for unit in args.restart:
            subprocess.run(["systemctl", "restart", unit], check=False, timeout=120)

    root.mkdir(parents=True, exist_ok=True)
    outcome = apply_release(root, info, public_pem, lambda dest: download(info["url"], dest, int(info["size"])),
                            modules=args.module or ["edge_server"], restart=restart if args.restart else None,
                            health_url=args.health_url or "", health_deadline=args.deadline)
    print(f"{outcome.action}: {outcome.version} {outcome.detail}".strip())
    return 0 if outcome.action in ("up_to_date", "installed") else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m updater", description="Anjungan Desa signed updates.")
    sub = parser.add_subparsers(dest="command", required=True)
    keygen = sub.add_parser("keygen", help="make an Ed25519 release key pair")
    keygen.add_argument("--out", required=True, help="folder for release.key and release.pub")
    keygen.set_defaults(func=cmd_keygen)
    bld = sub.add_parser("build", help="make a signed release tarball from a folder of wheels")
    bld.add_argument("--wheels", required=True, help="folder with the project's wheel and its dependencies'")
    bld.add_argument("--version", required=True)
    bld.add_argument("--requirement", help="what pip installs (default anjungan-desa==VERSION; kiosks: "
                                           "'anjungan-desa[kiosk]==VERSION')")
    bld.add_argument("--key", required=True, help="the private release key (PEM)")
    bld.add_argument("--out", required=True, help="the tarball to write (the .sig goes beside it)")
    bld.set_defaults(func=cmd_build)
    for name, dry in (("check", True), ("apply", False)):
        p = sub.add_parser(name, help="say whether a newer release is offered" if dry else
                           "install the newest release, switch over, roll back if unhealthy")
        p.add_argument("--url", required=True, help="the district hub, e.g. https://anjungan.rembangkab.go.id")
        p.add_argument("--pubkey", default=DEFAULT_PUBKEY, help=f"release public key (default {DEFAULT_PUBKEY})")
        p.add_argument("--root", default=DEFAULT_ROOT, help=f"install root (default {DEFAULT_ROOT})")
        p.add_argument("--module", action="append", help="module whose --help must work (default edge_server)")
        p.add_argument("--restart", action="append", default=[], help="systemd unit to restart after switching")
        p.add_argument("--health-url", help="must answer 200 after the restart, else roll back")
        p.add_argument("--deadline", type=float, default=120.0, help="seconds the health URL has (default 120)")
        p.set_defaults(func=lambda a, dry=dry: _device_run(a, dry))
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=os.environ.get("ANJUNGAN_LOG_LEVEL", "INFO"), stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
