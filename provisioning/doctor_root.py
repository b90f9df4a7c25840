"""Doctor checks of what a root holds rather than what runs: its service units, and the address its QR codes
carry. Also the `Check` row every doctor check returns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

OK, WARN, FAIL = "OK", "PERINGATAN / WARNING", "GAGAL / FAILED"


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str


def unit_check(root: Path, unit: str) -> Check:
    """The root's own service: its unit file is installed and enabled there (what starts at boot)."""
    from provisioning.units import wanted_by

    name = "Unit systemd / service unit"
    path = root / "etc/systemd/system" / unit
    if not path.is_file():
        return Check(name, FAIL, f"{unit} tidak terpasang di / not installed in {root}: jalankan / run "
                                 f"`provisioning {unit.split('-')[1].split('.')[0]} --root {root}`")
    targets = wanted_by(path.read_text()) or ["multi-user.target"]
    missing = [t for t in targets if not (root / f"etc/systemd/system/{t}.wants/{unit}").is_symlink()]
    if missing:
        return Check(name, FAIL, f"{unit} tidak diaktifkan / not enabled ({', '.join(missing)})")
    return Check(name, OK, f"{unit} terpasang dan aktif saat boot / installed and enabled at boot in {root}")


def qr_address_check(values: dict[str, object]) -> Check:
    """The address QR codes on tickets and letters carry (edge_server/config.py `base_url`): never loopback."""
    from urllib.parse import urlparse

    from provisioning.edge import is_loopback

    name = "Alamat kode QR / QR code address"
    public = str(values.get("public_url") or "")
    if not public:
        host = str(values.get("host", "0.0.0.0"))
        shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
        if is_loopback(shown):
            return Check(name, FAIL, f"public_url kosong: kode QR akan berisi {shown}, ponsel warga tidak bisa "
                                     "membukanya; jalankan `provisioning edge` (atau --public-url) / public_url is "
                                     f"empty: QR codes would point at {shown}, which no resident's phone can open; "
                                     "run `provisioning edge` (or pass --public-url)")
        return Check(name, OK, f"{shown} (dari / from host)")
    hostname = urlparse(public).hostname or ""
    if is_loopback(hostname):
        return Check(name, FAIL, f"public_url {public} hanya mesin ini; kode QR tidak bisa dibuka ponsel warga / "
                                 f"is this machine only: residents' phones cannot open its QR codes; `provisioning "
                                 "edge --public-url http(s)://ALAMAT-LAN:PORT`")
    return Check(name, OK, public)
