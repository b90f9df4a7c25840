"""HTTP/1.1 to the edge server with the standard library: one keep-alive connection per thread and origin, HTTPS
pinned to one certificate.

The kiosk used requests; this is what it needs of it (a JSON request with a connect and a read timeout, a bounded
download, a pinned certificate) in `http.client`, which the kiosk's process loads anyway. requests, urllib3,
idna, charset_normalizer and certifi were about 7 MiB of its resident memory (5 MiB of it anonymous) and about
50 ms of imports at its cold start (issue 16).

The controller calls the edge from a few worker threads; each thread keeps its own connections, so none is shared.
A kept connection the server has closed meanwhile (its keep-alive ran out) is seen before it is used and replaced;
a request is never sent twice.
"""

from __future__ import annotations

import hashlib
import http.client
import select
import ssl
import threading
from urllib.parse import urlsplit


class TransportError(Exception):
    """No answer: the edge could not be reached, the connection broke, or it did not answer in time."""


class CertificateMismatch(TransportError):
    """The server's certificate is not the pinned one; nothing was sent to it."""


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS that trusts the one certificate whose DER bytes hash (SHA-256) to ``pin`` (hex, lower case), checked
    right after the handshake, before a byte of the request (a device token) is sent. The CA chain and the host
    name are not checked: the certificate is self-signed and the edge may be reached by address."""

    def __init__(self, host: str, port: int | None, timeout: float, pin: str) -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the fingerprint below is the check
        super().__init__(host, port, timeout=timeout, context=context)
        self.pin = pin

    def connect(self) -> None:
        super().connect()
        der = self.sock.getpeercert(binary_form=True) or b""
        if hashlib.sha256(der).hexdigest() != self.pin:
            self.close()
            raise CertificateMismatch("the server's certificate fingerprint is not the pinned one")


class EdgeHTTP:
    """Requests to one edge (and its signed picture URLs), each with a connect and a read timeout.

    :param pin: the SHA-256 of the edge's certificate as 64 hex digits, or "" to check HTTPS against the system's
        certificate authorities.
    """

    def __init__(self, connect_timeout: float, read_timeout: float, pin: str = "") -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.pin = pin.replace(":", "").lower()
        self._local = threading.local()

    def request(self, method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                max_bytes: int | None = None) -> tuple[int, bytes]:
        """Send one request and read the whole answer. :returns: (status, body).

        :raises TransportError: no connection, a broken one, a timeout, or a body over ``max_bytes``.
        :raises CertificateMismatch: HTTPS to a server whose certificate is not the pinned one.
        """
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TransportError(f"not an http(s) URL: {url!r}")
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        origin = (parts.scheme, parts.hostname, parts.port)
        answered = False
        try:
            connection = self._connection(origin)
            connection.request(method, target, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read(max_bytes + 1) if max_bytes is not None else response.read()
            if max_bytes is not None and len(data) > max_bytes:
                raise TransportError(f"answer larger than {max_bytes} bytes")
            answered = not response.will_close
            return response.status, data
        except ssl.SSLError as exc:
            raise TransportError(f"TLS handshake failed ({exc.reason or type(exc).__name__})") from exc
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, timed out, a broken answer
            raise TransportError("timed out" if isinstance(exc, TimeoutError) else type(exc).__name__) from exc
        finally:
            if not answered:  # a failure, a half-read answer or a server closing: the next request opens anew
                self._drop(origin)

    def close(self) -> None:
        """Close this thread's connections."""
        for origin in list(self._connections()):
            self._drop(origin)

    def _connections(self) -> dict[tuple, http.client.HTTPConnection]:
        if not hasattr(self._local, "connections"):
            self._local.connections = {}
        return self._local.connections

    def _connection(self, origin: tuple) -> http.client.HTTPConnection:
        connections = self._connections()
        connection = connections.get(origin)
        if connection is not None and _closed_by_peer(connection):
            self._drop(origin)
            connection = None
        if connection is None:
            scheme, host, port = origin
            if scheme == "http":
                connection = http.client.HTTPConnection(host, port, timeout=self.connect_timeout)
            elif self.pin:
                connection = _PinnedHTTPSConnection(host, port, self.connect_timeout, self.pin)
            else:
                connection = http.client.HTTPSConnection(host, port, timeout=self.connect_timeout,
                                                         context=ssl.create_default_context())
            connections[origin] = connection
        if connection.sock is None:
            connection.connect()  # with the connect timeout; then each answer has the read timeout
            connection.sock.settimeout(self.read_timeout)
        return connection

    def _drop(self, origin: tuple) -> None:
        connection = self._connections().pop(origin, None)
        if connection is not None:
            connection.close()


def _closed_by_peer(connection: http.client.HTTPConnection) -> bool:
    """A kept connection with something to read before a request is sent: the server closed it (end of file) or
    broke the protocol. Either way it cannot carry the next request."""
    sock = connection.sock
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)
