"""The edge server's own TLS certificate: made once by `provisioning edge`, pinned by kiosks and TV boards.

A self-signed certificate (no CA on a village LAN): an ECDSA P-256 key (fast on a Raspberry Pi), names for the
host name, ``<hostname>.local`` (mDNS), ``localhost`` and every LAN address known when it is made, valid
:data:`VALID_DAYS`. Clients pin it by the SHA-256 of the DER certificate (kiosks, doctor) or of its public key
(Chromium's ``--ignore-certificate-errors-spki-list`` on the board), never by a CA chain.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import socket
import ssl
import subprocess
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from anjungan_core.fingerprints import fingerprint_of_der, normalise_fingerprint
from provisioning.target import ProvisioningError

VALID_DAYS = 5 * 365 + 1
RENEW_BEFORE = timedelta(days=30)


def edge_fingerprint_option(text: str) -> str:
    """The technician's ``--edge-fingerprint`` as ``AB:CD:...``.

    :raises ProvisioningError: unless it is a SHA-256 fingerprint (64 hex digits).
    """
    try:
        return normalise_fingerprint(text)
    except ValueError:
        raise ProvisioningError(f"--edge-fingerprint: harus SHA-256 (64 angka heksa) / must be a SHA-256 "
                                f"(64 hex digits, e.g. AB:CD:...), not {text!r}") from None


def fingerprint_of_pem(pem: str | bytes) -> str:
    """SHA-256 of the certificate's DER bytes, ``AB:CD:...``."""
    cert = x509.load_pem_x509_certificate(pem.encode() if isinstance(pem, str) else pem)
    return fingerprint_of_der(cert.public_bytes(serialization.Encoding.DER))


def spki_hash(pem: str | bytes) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)): what Chromium's --ignore-certificate-errors-spki-list takes."""
    cert = x509.load_pem_x509_certificate(pem.encode() if isinstance(pem, str) else pem)
    spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


def make_certificate(hostname: str, addresses: Iterable[str], now: datetime | None = None,
                     days: int = VALID_DAYS) -> tuple[str, str]:
    """A new key and self-signed certificate; returns (key PEM, certificate PEM)."""
    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for dns in dict.fromkeys([hostname, f"{hostname}.local", "localhost"]):
        if dns and dns != ".local":
            names.append(x509.DNSName(dns))
    for address in dict.fromkeys(["127.0.0.1", *addresses]):
        names.append(x509.IPAddress(ipaddress.ip_address(address)))
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname or "anjungan-edge"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Anjungan Desa")])
    cert = (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))  # a Pi whose clock is a little behind still accepts it
            .not_valid_after(now + timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            # CA:TRUE so a browser or phone can import it as a trusted root (it is its own issuer).
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


def still_good(cert_pem: bytes, key_pem: bytes, now: datetime | None = None) -> bool:
    """Whether an existing certificate and key belong together and stay valid past the renewal margin."""
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError):
        return False
    fmt = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if cert.public_key().public_bytes(*fmt) != key.public_key().public_bytes(*fmt):
        return False
    return cert.not_valid_after_utc - (now or datetime.now(UTC)) > RENEW_BEFORE


def days_left(cert_pem: bytes, now: datetime | None = None) -> int:
    cert = x509.load_pem_x509_certificate(cert_pem)
    return (cert.not_valid_after_utc - (now or datetime.now(UTC))).days


def lan_addresses() -> list[str]:
    """This machine's global IPv4/IPv6 addresses (``ip -j addr``), else the one that routes outwards."""
    found: list[str] = []
    try:
        answer = subprocess.run(["ip", "-j", "addr", "show", "scope", "global"], capture_output=True, text=True,
                                timeout=10, check=False)
        for link in json.loads(answer.stdout or "[]"):
            for info in link.get("addr_info", []):
                if info.get("local"):
                    found.append(info["local"].split("%")[0])
    except (OSError, subprocess.TimeoutExpired, ValueError):
        pass
    if not found:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                probe.connect(("192.0.2.1", 9))  # no packet is sent; this only picks the outgoing address
                found.append(probe.getsockname()[0])
        except OSError:
            pass
    return [a for a in dict.fromkeys(found) if not ipaddress.ip_address(a).is_loopback]


def fetch_certificate(host: str, port: int, timeout: float = 10.0) -> str:
    """The PEM certificate a TLS server presents (no verification: the caller pins or shows it).

    :raises ProvisioningError: when nothing answers TLS there.
    """
    try:
        return ssl.get_server_certificate((host, port), timeout=timeout)
    except (OSError, ssl.SSLError) as exc:
        raise ProvisioningError(f"tidak bisa membaca sertifikat / cannot read the certificate of {host}:{port}: "
                                f"{type(exc).__name__}: {exc}") from None
