"""`--release-pubkey FILE`: install the regency's Ed25519 release key that devices check updates against."""
from __future__ import annotations

from pathlib import Path

from provisioning.target import ProvisioningError, Target

RELEASE_PUBKEY = "/etc/anjungan/release.pub"


def install_release_pubkey(target: Target, source: str) -> bool:
    """Copy a PEM Ed25519 public key to /etc/anjungan/release.pub (world-readable: it is public).

    :raises ProvisioningError: the file is missing or is not an Ed25519 public key.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        pem = Path(source).read_bytes()
        key = serialization.load_pem_public_key(pem)
    except (OSError, ValueError) as exc:
        raise ProvisioningError(f"--release-pubkey: tidak bisa dibaca / cannot be read: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ProvisioningError("--release-pubkey: bukan kunci Ed25519 / not an Ed25519 public key")
    return target.write_file(RELEASE_PUBKEY, pem, mode=0o644)


UPDATE_ENV = "/etc/anjungan/update.env"
UPDATE_SERVICE = "anjungan-update.service"
UPDATE_TIMER = "anjungan-update.timer"
ROLE_ARGS = {
    "edge": "--module edge_server --restart anjungan-edge.service --health-url http://127.0.0.1:8080/api/v1/health",
    "kiosk": "--module kiosk --restart anjungan-kiosk.service",
}


def enable_updates(target: Target, role: str, update_url: str | None) -> bool:
    """Write /etc/anjungan/update.env and install the nightly signed-update timer for this role.

    Without an update URL (the district hub that hosts releases) nothing is installed and the technician is told.
    :returns: True when anything changed.
    """
    from provisioning.units import install_unit, unit_text

    if not update_url:
        target.say("  pembaruan otomatis tidak dipasang / automatic updates not installed: no hub URL "
                   "(edge: --district-url, kiosk: --update-url)")
        return False
    env = f"ANJUNGAN_UPDATE_URL={update_url.rstrip('/')}\nANJUNGAN_UPDATE_ARGS={ROLE_ARGS[role]}\n"
    changed = target.write_file(UPDATE_ENV, env, mode=0o644)
    changed |= target.write_file(f"/etc/systemd/system/{UPDATE_SERVICE}", unit_text(UPDATE_SERVICE), mode=0o644)
    changed |= install_unit(target, UPDATE_TIMER)
    return changed
