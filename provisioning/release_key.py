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
