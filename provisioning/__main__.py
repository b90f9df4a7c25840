"""`python -m provisioning`: the technician's tool. Run `python -m provisioning --help`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from provisioning.target import ProvisioningError, Target

WRITE_HELP = ("--root DIR writes into DIR instead of this system (users, services and devices are then only "
              "recorded in DIR/var/lib/anjungan/provisioning/*-plan.json); --dry-run only says what would change.")


def _writer_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default="/", metavar="DIR",
                        help="set up the system found in DIR (default /, this machine)")
    parser.add_argument("--dry-run", action="store_true", help="say what would change; change nothing")


def cmd_detect(args: argparse.Namespace) -> int:
    from provisioning import detect

    found = detect.detect(args.sys_root, args.dev_root, tuple(args.address or ()))
    if args.json:
        print(json.dumps(detect.as_json(found), indent=2, ensure_ascii=False))
    else:
        print(detect.format_table(found))
    return 0


def _signed_updates(target: Target, role: str, pubkey: str | None, hub_url: str | None) -> None:
    """With --release-pubkey: install the key and the nightly update timer, and add them to the plan."""
    if not pubkey:
        return
    from provisioning.release_key import enable_updates, install_release_pubkey

    install_release_pubkey(target, pubkey)
    enable_updates(target, role, hub_url)
    target.write_plan(role)


def cmd_edge(args: argparse.Namespace) -> int:
    from provisioning.edge import EdgeOptions, provision_edge

    target = Target(args.root, dry_run=args.dry_run)
    provision_edge(target, EdgeOptions(args.village_code, args.village_name, args.district_url,
                                       args.district_secret, args.port, args.timezone, not args.no_tls,
                                       tuple(args.address or ()), args.new_certificate, args.public_url))
    _signed_updates(target, "edge", args.release_pubkey, args.district_url)
    print(target.summary())
    return 0


def cmd_kiosk(args: argparse.Namespace) -> int:
    from provisioning.kiosk import KioskOptions, provision_kiosk

    target = Target(args.root, dry_run=args.dry_run)
    provision_kiosk(target, KioskOptions(args.edge_url, args.pairing_code, args.printer, args.scanner, args.name,
                                         args.rotation, args.language, args.idle_timeout, args.overlay,
                                         args.wait, args.edge_fingerprint))
    _signed_updates(target, "kiosk", args.release_pubkey, args.update_url)
    print(target.summary())
    return 0


def cmd_display(args: argparse.Namespace) -> int:
    from provisioning.display import DisplayOptions, provision_display

    target = Target(args.root, dry_run=args.dry_run)
    provision_display(target, DisplayOptions(args.edge_url, args.edge_fingerprint, args.edge_cert))
    print(target.summary())
    return 0


def cmd_apply_plan(args: argparse.Namespace) -> int:
    from provisioning.plan import apply_plan

    target = Target("/", dry_run=args.dry_run)
    steps = apply_plan(target, args.role)
    print(f"{steps} langkah {'akan dijalankan' if args.dry_run else 'dijalankan'} / {steps} steps "
          f"{'would run' if args.dry_run else 'done'}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from provisioning.doctor import run_doctor

    return run_doctor(config=args.config, root=args.root, print_test=args.print_test, edge_url=args.edge_url or "")


def cmd_cloud_init(args: argparse.Namespace) -> int:
    from provisioning.cloudinit import write_cloud_init

    for path in write_cloud_init(args):
        print(f"ditulis / written: {path}")
    print("Salin ketiga berkas ke partisi boot kartu SD (bootfs), lalu nyalakan Pi. / "
          "Copy the three files to the SD card's boot partition (bootfs), then power on the Pi.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m provisioning",
        description="Memasang dan memeriksa Anjungan Desa. / Set up and check Anjungan Desa machines.",
        epilog="Contoh / example: sudo python -m provisioning doctor")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    detect = sub.add_parser("detect", help="list plugged-in printers and scanners with the URL/spec for each",
                            description="Cari printer dan pemindai. / Find printers and scanners, and say which "
                                        "--printer URL or --scanner spec to use for each.")
    detect.add_argument("--address", action="append", metavar="HOST[:PORT]",
                        help="also try a network printer at this address (port 9100 unless given)")
    detect.add_argument("--json", action="store_true", help="print JSON instead of a table")
    detect.add_argument("--sys-root", default="/sys", help=argparse.SUPPRESS)
    detect.add_argument("--dev-root", default="/dev", help=argparse.SUPPRESS)
    detect.set_defaults(func=cmd_detect)

    edge = sub.add_parser("edge", help="make this machine the village's edge server",
                          description="Jadikan mesin ini server edge desa. / Make this machine the village's edge "
                                      "server: service user, /etc/anjungan/edge.toml, database, first admin "
                                      "(password shown once), systemd service. Safe to run again. " + WRITE_HELP)
    edge.add_argument("--village-code", required=True, metavar="CODE", help="region code, e.g. 33.17.09.2016")
    edge.add_argument("--village-name", required=True, metavar="NAME", help="village name, e.g. Mojowarno")
    edge.add_argument("--district-url", metavar="URL", help="district hub address (with --district-secret)")
    edge.add_argument("--district-secret", metavar="S", help="this village's secret from the district hub")
    edge.add_argument("--port", type=int, metavar="P", help="port for kiosks and the console (default 8080)")
    edge.add_argument("--timezone", metavar="ZONE", help="Asia/Jakarta (WIB, default), Asia/Makassar (WITA) "
                                                         "or Asia/Jayapura (WIT)")
    edge.add_argument("--no-tls", action="store_true",
                      help="plain HTTP only (no certificate); by default the edge serves HTTPS on port 8443")
    edge.add_argument("--address", action="append", metavar="IP",
                      help="another address to name in the certificate (this machine's LAN addresses are found)")
    edge.add_argument("--public-url", metavar="URL",
                      help="the edge's address on the village LAN that QR codes on tickets and letters open, e.g. "
                           "https://192.168.1.10:8443 (default: this machine's LAN address; never 127.0.0.1)")
    edge.add_argument("--new-certificate", action="store_true",
                      help="make a new certificate even though the current one is valid (kiosks and boards must "
                           "then be set up again with the new fingerprint)")
    _writer_flags(edge)
    edge.add_argument("--release-pubkey", metavar="FILE",
                      help="the regency's Ed25519 release public key (PEM), installed as /etc/anjungan/release.pub")
    edge.set_defaults(func=cmd_edge)

    kiosk = sub.add_parser("kiosk", help="pair this machine with the edge server and make it a kiosk",
                           description="Pasangkan mesin ini sebagai kiosk. / Pair this machine with the edge server "
                                       "and make it a kiosk: /etc/anjungan/kiosk.toml (token, 0600), udev rules "
                                       "for the printer and scanner, Kivy settings, systemd service. A kiosk "
                                       "whose token still works is not paired again. " + WRITE_HELP)
    kiosk.add_argument("--edge-url", required=True, metavar="URL", help="e.g. http://192.168.1.10:8080")
    kiosk.add_argument("--pairing-code", default="", metavar="CODE",
                       help="one-time code from the staff console (Perangkat / Devices); not needed again while "
                            "the kiosk's token still works (e.g. after replacing a printer)")
    kiosk.add_argument("--printer", metavar="URL", help="printer URL from `detect`, e.g. usb://0416:5011")
    kiosk.add_argument("--scanner", metavar="SPEC", help="scanner spec from `detect` (default evdev:auto)")
    kiosk.add_argument("--name", help="name shown in the staff console (default: Kiosk <hostname>)")
    kiosk.add_argument("--rotation", type=int, choices=(0, 90, 180, 270), help="screen rotation in degrees")
    kiosk.add_argument("--language", choices=("id", "en"), help="default language (id)")
    kiosk.add_argument("--idle-timeout", type=int, metavar="SECONDS", help="back to the start after this long")
    kiosk.add_argument("--overlay", action="store_true",
                       help="protect the SD card: read-only root with an overlay (raspi-config), after a reboot")
    kiosk.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                       help="wait this long for the edge server to answer (first boot)")
    kiosk.add_argument("--edge-fingerprint", metavar="SHA256",
                       help="the edge certificate's fingerprint that `provisioning edge` printed (AB:CD:...); "
                            "without it an https edge is trusted on first use and its fingerprint shown")
    _writer_flags(kiosk)
    kiosk.add_argument("--release-pubkey", metavar="FILE",
                       help="the regency's Ed25519 release public key (PEM), installed as /etc/anjungan/release.pub")
    kiosk.add_argument("--update-url", metavar="URL",
                       help="the district hub that hosts signed releases (with --release-pubkey: nightly updates)")
    kiosk.set_defaults(func=cmd_kiosk)

    display = sub.add_parser("display", help="make this machine the queue board on a TV",
                             description="Jadikan mesin ini papan antrean di TV. / Make this machine the queue "
                                         "board: Chromium full screen (cage), sound without a click, no screen "
                                         "blanking, back after a crash, trusting only the edge's certificate. "
                                         + WRITE_HELP)
    display.add_argument("--edge-url", required=True, metavar="URL",
                         help="the edge server, e.g. https://192.168.1.10:8443 (http:// is upgraded when the edge "
                              "redirects to https)")
    display.add_argument("--edge-fingerprint", metavar="SHA256",
                         help="refuse an edge whose certificate has another fingerprint")
    display.add_argument("--edge-cert", metavar="FILE",
                         help="the edge's certificate (download /cert.crt) instead of reading it from the network")
    _writer_flags(display)
    display.set_defaults(func=cmd_display)

    doctor = sub.add_parser("doctor", help="check everything and say in plain words what is wrong",
                            description="Periksa kiosk/server edge ini. / Check configuration, edge server, "
                                        "token, printer, scanner, clock, disk, database and sync. Exits non-zero "
                                        "when something is wrong.")
    doctor.add_argument("--config", metavar="FILE", help="kiosk.toml or edge.toml (default: those in /etc/anjungan)")
    doctor.add_argument("--print-test", action="store_true", help="also print a test receipt")
    doctor.add_argument("--root", default="/", metavar="DIR",
                        help="check the system found in DIR (default /): its files and service units; a server "
                             "running on this machine is not DIR's and is checked only with --edge-url")
    doctor.add_argument("--edge-url", metavar="URL",
                        help="also check the edge server running at URL (e.g. the staging copy of DIR)")
    doctor.set_defaults(func=cmd_doctor)

    apply = sub.add_parser("apply-plan", help="on the target system, carry out what a --root run recorded",
                           description="Jalankan rencana dari `--root`. / On the target system (booted from the "
                                       "card a --root run wrote), make the users, set file owners and run the "
                                       "service commands recorded in /var/lib/anjungan/provisioning/ROLE-plan.json; "
                                       "the plan is then renamed ROLE-plan.applied.json.")
    apply.add_argument("role", choices=("edge", "kiosk", "display"), help="which plan")
    apply.add_argument("--dry-run", action="store_true", help="say what would run; change nothing")
    apply.set_defaults(func=cmd_apply_plan)

    cloud = sub.add_parser("cloud-init", help="write first-boot files for a freshly flashed SD card",
                           description="Tulis berkas boot pertama (cloud-init) untuk kartu SD Raspberry Pi OS. / "
                                       "Write user-data, meta-data and network-config so a freshly flashed card "
                                       "joins the network, installs everything and runs `provisioning edge` or "
                                       "`kiosk` at first boot.")
    from provisioning.cloudinit import add_arguments

    add_arguments(cloud)
    cloud.set_defaults(func=cmd_cloud_init)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ProvisioningError as exc:
        print(f"GAGAL / FAILED: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("dibatalkan / cancelled", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
