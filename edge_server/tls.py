"""HTTPS on the village LAN: the certificate `provisioning edge` made, and the plain-HTTP side of the server.

With ``tls_cert``/``tls_key`` set, the edge server listens twice (edge_server/workers_server.py):

- ``tls_port`` (8443): HTTPS, the whole app, plus ``/cert`` (a page with the certificate's fingerprint) and
  ``/cert.crt`` (the certificate to install in a staff browser);
- ``port`` (8080): plain HTTP. It serves the app only to this machine (127.0.0.1 / ::1: a kiosk on the same Pi,
  the systemd watchdog, `provisioning doctor`); every LAN request, board and public pages included, gets a
  308 redirect to the same path on HTTPS.

The certificate is self-signed: kiosks and the TV board pin its SHA-256 fingerprint instead of trusting a CA.
"""
from __future__ import annotations

import html
import ipaddress
import re
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from anjungan_core.fingerprints import fingerprint_of_der

from .config import ConfigError, EdgeConfig

Environ = dict
StartResponse = Callable[..., object]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]

_HOSTNAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})")
_IPV6_HOST = re.compile(r"\[[0-9A-Fa-f:.]+\]")


@dataclass(frozen=True)
class Certificate:
    """The server certificate as clients see it."""

    pem: str
    der: bytes

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the DER certificate, ``AB:CD:...`` (what kiosks pin and browsers show)."""
        return fingerprint_of_der(self.der)


def load_certificate(cfg: EdgeConfig) -> Certificate:
    """Read and check the configured certificate and key (they must exist, parse and belong together).

    :raises ConfigError: naming the key that is wrong; the key file's content never reaches the message.
    """
    cert_path, key_path = Path(cfg.tls_cert), Path(cfg.tls_key)
    try:
        pem = cert_path.read_text()
    except OSError as exc:
        raise ConfigError(f"config key 'tls_cert': cannot read {cert_path}: {exc.strerror}") from None
    try:
        with key_path.open("rb"):
            pass
    except OSError as exc:
        raise ConfigError(f"config key 'tls_key': cannot read {key_path}: {exc.strerror}") from None
    try:
        der = ssl.PEM_cert_to_DER_cert(pem.strip() + "\n")
    except ValueError:
        raise ConfigError(f"config key 'tls_cert': {cert_path} is not a PEM certificate") from None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(str(cert_path), str(key_path))
    except ssl.SSLError as exc:
        raise ConfigError(f"config key 'tls_key': {key_path} does not fit {cert_path} "
                          f"({exc.reason or 'bad key'})") from None
    return Certificate(pem, der)


def is_loopback(address: str) -> bool:
    """127.0.0.0/8, ::1 and ::ffff:127.x.x.x; anything unparsable is not."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def redirect_host(environ: Environ) -> str:
    """The host name the client asked for (without its port), or the server's own when the header is odd."""
    host = environ.get("HTTP_HOST", "")
    if host.startswith("["):
        name = host.split("]", 1)[0] + "]"
        if _IPV6_HOST.fullmatch(name):
            return name
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        if name and _HOSTNAME.fullmatch(name):
            return name
    server = environ.get("SERVER_NAME", "localhost")
    return f"[{server}]" if ":" in server else server


class LanRedirect:
    """The plain-HTTP listener: this machine gets the app, everyone else a 308 to the same URL on HTTPS.

    308 (not 301) so a kiosk's POST is repeated as a POST, body included, where the client follows it.
    """

    def __init__(self, app: WsgiApp, https_port: int) -> None:
        self.app = app
        self.https_port = https_port

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if is_loopback(environ.get("REMOTE_ADDR", "")):
            return self.app(environ, start_response)
        raw = (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")).encode("latin-1", "replace")
        path = quote(raw, safe="/:@!$&'()*+,;=-._~%")  # WSGI paths are bytes decoded as latin-1
        query = environ.get("QUERY_STRING", "")
        port = "" if self.https_port == 443 else f":{self.https_port}"
        location = f"https://{redirect_host(environ)}{port}{path or '/'}" + (f"?{query}" if query else "")
        body = b"Gunakan HTTPS / use HTTPS: " + location.encode() + b"\n"
        start_response("308 Permanent Redirect", [("Location", location), ("Content-Type", "text/plain"),
                                                  ("Content-Length", str(len(body))), ("Cache-Control", "no-store")])
        return [body]


_CERT_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sertifikat server / Server certificate</title>
<style>body{{font-family:sans-serif;max-width:46em;margin:2em auto;padding:0 1em;line-height:1.5}}
code{{word-break:break-all;background:#eee;padding:.2em .4em}}a.button{{display:inline-block;padding:.6em 1em;
background:#0a5;color:#fff;text-decoration:none;border-radius:.3em;margin:.2em 0}}</style></head>
<body><h1>Sertifikat server Anjungan Desa</h1>
<p>Server ini memakai sertifikat buatan sendiri. Pasang sertifikat ini di peramban staf satu kali, maka peringatan
keamanan tidak muncul lagi. Cocokkan sidik jari di bawah dengan yang dicetak teknisi.<br>
<i>This server uses its own (self-signed) certificate. Install it once in each staff browser and the security
warning goes away. Compare the fingerprint below with the one the technician wrote down.</i></p>
<p><b>SHA-256:</b><br><code>{fingerprint}</code></p>
<p><a class="button" href="/cert.crt" download="anjungan-edge.crt">Unduh sertifikat / Download certificate</a></p>
<p>Langkah di tiap peramban ada di panduan staf (docs/staff.md, "Sertifikat"). / The steps for each browser are in
the staff guide.</p></body></html>
"""


class CertificatePages:
    """``/cert`` (a page with the fingerprint) and ``/cert.crt`` / ``/cert.pem`` in front of the app."""

    def __init__(self, app: WsgiApp, certificate: Certificate) -> None:
        self.app = app
        self.certificate = certificate

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or path not in ("/cert", "/cert.crt", "/cert.pem"):
            return self.app(environ, start_response)
        if path == "/cert":
            body = _CERT_PAGE.format(fingerprint=html.escape(self.certificate.fingerprint)).encode()
            kind, extra = "text/html; charset=utf-8", []
        elif path == "/cert.crt":
            body, kind = self.certificate.der, "application/x-x509-ca-cert"
            extra = [("Content-Disposition", 'attachment; filename="anjungan-edge.crt"')]
        else:
            body, kind, extra = self.certificate.pem.encode(), "application/x-pem-file", []
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body))), *extra])
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]
