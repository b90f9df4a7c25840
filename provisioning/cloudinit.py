"""`python -m provisioning cloud-init`: first-boot files for a freshly flashed Raspberry Pi OS card (Trixie).

Writes ``user-data`` (cloud-config: user, SSH key, packages, a first-boot script run once), ``meta-data`` and
``network-config`` (network config v2: Ethernet, and Wi-Fi when given) into the card's boot partition.
"""

from __future__ import annotations

import argparse
import hashlib
import shlex
import shutil
from pathlib import Path
from string import Template
from typing import Any

import yaml

from provisioning.target import ProvisioningError

TEMPLATES = Path(__file__).parent / "templates"
BOOT = "/boot/firmware"
DEFAULT_SOURCE = "https://github.com/anjungan-desa/anjungan-desa.git"
BASE_PACKAGES = ["python3-venv", "python3-dev", "build-essential", "git", "sqlite3", "fonts-dejavu-core"]
ROLE_PACKAGES = {
    "edge": ["espeak-ng", "sox"],
    "kiosk": ["libmtdev1", "libgl1-mesa-dri", "libegl1", "libgles2", "libusb-1.0-0"],
    "display": ["cage", "chromium", "xwayland"],
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--role", required=True, choices=("edge", "kiosk", "display"),
                        help="what this card becomes (display: the TV queue board)")
    parser.add_argument("--out", required=True, metavar="DIR", help="where to write (the card's boot partition)")
    parser.add_argument("--hostname", help="machine name (default anjungan-edge / -kiosk / -display)")
    parser.add_argument("--wifi-ssid", metavar="S", help="Wi-Fi network name (without it: Ethernet only)")
    parser.add_argument("--wifi-password", metavar="P", help="Wi-Fi password")
    parser.add_argument("--wifi-country", default="ID", metavar="CC", help="Wi-Fi country code (default ID)")
    parser.add_argument("--ssh-key", metavar="FILE", help="public SSH key file for the technician's login")
    parser.add_argument("--user", default="teknisi", help="technician's login name (default teknisi)")
    parser.add_argument("--timezone", default="Asia/Jakarta", help="Asia/Jakarta, Asia/Makassar or Asia/Jayapura")
    parser.add_argument("--source", default=DEFAULT_SOURCE, metavar="URL|FILE",
                        help="project source: a git URL, or a .tar.gz made with `git archive` (copied onto the "
                             "card, so nothing but packages is downloaded)")
    parser.add_argument("--ref", default="main", help="git branch or tag (default main)")
    edge = parser.add_argument_group("--role edge")
    edge.add_argument("--village-code", metavar="CODE")
    edge.add_argument("--village-name", metavar="NAME")
    edge.add_argument("--district-url", metavar="URL")
    edge.add_argument("--district-secret", metavar="S")
    kiosk = parser.add_argument_group("--role kiosk (and --role display: --edge-url, --edge-fingerprint)")
    kiosk.add_argument("--edge-url", metavar="URL")
    kiosk.add_argument("--edge-fingerprint", metavar="SHA256", help="the edge certificate's SHA-256 (display)")
    kiosk.add_argument("--pairing-code", metavar="CODE")
    kiosk.add_argument("--printer", metavar="URL")
    kiosk.add_argument("--scanner", metavar="SPEC")
    kiosk.add_argument("--rotation", type=int, choices=(0, 90, 180, 270))
    kiosk.add_argument("--overlay", action="store_true", help="read-only root with overlay after setup")


def provisioning_command(args: argparse.Namespace) -> list[str]:
    """The `python -m provisioning edge|kiosk ...` line the card runs at first boot (validated here first)."""
    if args.role == "edge":
        from provisioning.edge import EdgeOptions, check_options

        if not args.village_code or not args.village_name:
            raise ProvisioningError("--role edge butuh / needs --village-code and --village-name")
        opts = check_options(EdgeOptions(args.village_code, args.village_name, args.district_url,
                                         args.district_secret, None, args.timezone))
        argv = ["edge", "--village-code", opts.village_code, "--village-name", opts.village_name,
                "--timezone", args.timezone]
        if opts.district_url:
            argv += ["--district-url", opts.district_url, "--district-secret", str(opts.district_secret)]
        return argv
    if args.role == "display":
        if not args.edge_url:
            raise ProvisioningError("--role display butuh / needs --edge-url")
        argv = ["display", "--edge-url", args.edge_url]
        return argv + (["--edge-fingerprint", args.edge_fingerprint] if args.edge_fingerprint else [])
    from provisioning.kiosk import KioskOptions
    from provisioning.kiosk import check_options as check_kiosk

    if not args.edge_url or not args.pairing_code:
        raise ProvisioningError("--role kiosk butuh / needs --edge-url and --pairing-code")
    check_kiosk(KioskOptions(args.edge_url, args.pairing_code, args.printer, args.scanner, rotation=args.rotation))
    argv = ["kiosk", "--edge-url", args.edge_url, "--pairing-code", args.pairing_code, "--wait", "900"]
    for flag, value in (("--printer", args.printer), ("--scanner", args.scanner), ("--rotation", args.rotation)):
        if value is not None:
            argv += [flag, str(value)]
    return argv + (["--overlay"] if args.overlay else [])


def _fetch_lines(args: argparse.Namespace, out: Path) -> str:
    source = str(args.source)
    if Path(source).is_file():
        if not source.endswith((".tar.gz", ".tgz")):
            raise ProvisioningError("--source: berkas harus .tar.gz (git archive) / file must be a .tar.gz")
        (out / "anjungan").mkdir(exist_ok=True)
        shutil.copyfile(source, out / "anjungan" / Path(source).name)
        archive = shlex.quote(f"{BOOT}/anjungan/{Path(source).name}")
        return f'  mkdir -p "$APP"\n  tar -xzf {archive} -C "$APP" --strip-components=1'
    if not source.startswith(("https://", "http://", "git@", "ssh://")):
        raise ProvisioningError(f"--source: bukan URL git atau berkas / neither a git URL nor a file: {source!r}")
    return f'  retry git clone --depth 1 --branch {shlex.quote(args.ref)} {shlex.quote(source)} "$APP"'


def firstboot_script(args: argparse.Namespace, out: Path) -> str:
    command = shlex.join(["$VENV/bin/python", "-m", "provisioning", *provisioning_command(args)])
    command = command.replace("'$VENV/bin/python'", '"$VENV/bin/python"')
    return Template((TEMPLATES / "firstboot.sh.tmpl").read_text()).substitute(
        role=args.role, fetch=_fetch_lines(args, out), extras="[kiosk]" if args.role == "kiosk" else "",
        command=command)


def user_data(args: argparse.Namespace, script: str) -> dict[str, Any]:
    user: dict[str, Any] = {"name": args.user, "groups": ["sudo", "adm", "video", "input", "dialout", "lp"],
                            "shell": "/bin/bash", "sudo": "ALL=(ALL) NOPASSWD:ALL", "lock_passwd": True}
    runcmd: list[Any] = []
    if args.ssh_key:
        key = Path(args.ssh_key).read_text().strip()
        if not key.startswith(("ssh-", "ecdsa-", "sk-")):
            raise ProvisioningError(f"--ssh-key: {args.ssh_key} bukan kunci publik SSH / is not an SSH public key")
        user["ssh_authorized_keys"] = [key]
        runcmd.append(["systemctl", "enable", "--now", "ssh"])
    runcmd.append(["/usr/local/sbin/anjungan-firstboot"])
    return {
        "hostname": args.hostname or f"anjungan-{args.role}",
        "manage_etc_hosts": True,
        "timezone": args.timezone,
        "users": [user],
        "ssh_pwauth": False,
        "package_update": True,
        "packages": BASE_PACKAGES + ROLE_PACKAGES[args.role],
        "write_files": [{"path": "/usr/local/sbin/anjungan-firstboot", "permissions": "0700", "owner": "root:root",
                         "content": script}],
        "runcmd": runcmd,
        "final_message": "Anjungan Desa: first boot finished after $UPTIME s; see /var/log/anjungan-firstboot.log",
    }


def network_config(args: argparse.Namespace) -> dict[str, Any]:
    network: dict[str, Any] = {"version": 2, "renderer": "NetworkManager",
                               "ethernets": {"eth0": {"dhcp4": True, "optional": True}}}
    if args.wifi_ssid:
        if args.wifi_password is not None and not 8 <= len(args.wifi_password) <= 63:
            raise ProvisioningError("--wifi-password: 8 sampai 63 huruf / 8 to 63 characters (WPA2)")
        point = {"password": args.wifi_password} if args.wifi_password else {}
        network["wifis"] = {"wlan0": {"dhcp4": True, "optional": True, "regulatory-domain": args.wifi_country,
                                      "access-points": {args.wifi_ssid: point}}}
    elif args.wifi_password:
        raise ProvisioningError("--wifi-password tanpa / without --wifi-ssid")
    return {"network": network}


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (the first-boot script) as readable ``|`` blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)


def write_cloud_init(args: argparse.Namespace) -> list[Path]:
    """Write the three files into ``args.out``; :raises ProvisioningError: for a bad flag (nothing written)."""
    out = Path(args.out)
    command = provisioning_command(args)  # validate before writing anything
    del command
    out.mkdir(parents=True, exist_ok=True)
    script = firstboot_script(args, out)
    user_text = "#cloud-config\n" + _dump(user_data(args, script))
    network_text = _dump(network_config(args))
    digest = hashlib.sha256((user_text + network_text).encode()).hexdigest()[:16]
    meta = {"instance-id": f"anjungan-{args.role}-{digest}", "local-hostname": args.hostname or f"anjungan-{args.role}"}
    written = []
    for name, text in (("user-data", user_text), ("meta-data", _dump(meta)), ("network-config", network_text)):
        (out / name).write_text(text)
        written.append(out / name)
    return written
