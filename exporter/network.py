"""Downloads with --allow-network: https only, public addresses only, a size cap and a total deadline.

- The host name is resolved once, every address it resolves to must be public (not loopback, private,
  link-local, shared, reserved or multicast, also when wrapped in IPv6), and the connection goes to the
  address that was checked: no second lookup a DNS server could answer differently.
- Redirects are followed by hand, each one checked the same way (https, public addresses), at most five.
- Connection failures of every kind (refused, reset, timed out, not TLS) give the same message, so the
  exporter cannot be used to tell open ports from closed ones.
- The deadline bounds the whole download (name lookup, connection, TLS, headers and body): a peer that sends
  a byte now and then cannot hold a build longer than the limit, however each read is timed.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from exporter.errors import ExportError

MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024
DOWNLOAD_TIMEOUT_SECONDS = 20.0
MAX_REDIRECTS = 5
_READ_CHUNK = 64 * 1024
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# One message for every way a connection can fail: the difference between them is what a port scan reads.
_NO_ANSWER = "download failed: no https answer from the server"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public(address: IPAddress) -> bool:
    """Whether an address is on the public internet. IPv6 forms that carry an IPv4 address (mapped, NAT64,
    6to4, Teredo) are judged by the address they carry."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not address.is_multicast


class _PinnedConnection(http.client.HTTPSConnection):
    """HTTPS to one already-checked address; the certificate and the Host header still name the host."""

    def __init__(self, host: str, port: int, address: str, *, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls_context = context

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls_context.wrap_socket(raw, server_hostname=self.host)


@dataclass
class Fetcher:
    """One download policy. Tests and benchmarks may relax `address_allowed` or trust their own `tls` context;
    the exporter always uses the defaults."""

    timeout: float = DOWNLOAD_TIMEOUT_SECONDS
    max_bytes: int = MAX_DOWNLOAD_BYTES
    address_allowed: Callable[[IPAddress, int], bool] = field(default=lambda address, port: is_public(address))
    tls: ssl.SSLContext | None = None

    def fetch(self, url: str) -> bytes:
        download = _Download(self, url)
        worker = threading.Thread(target=download.run, name="exporter-download", daemon=True)
        worker.start()
        if not download.finished.wait(self.timeout):
            download.abort()
            raise ExportError(f"took longer than {self.timeout:g} s; refused", file=url)
        if download.error is not None:
            raise download.error
        return download.data


class _Download:
    """One fetch, run on a worker thread so the caller's deadline holds whatever the peer does."""

    def __init__(self, fetcher: Fetcher, url: str) -> None:
        self.fetcher = fetcher
        self.url = url
        self.deadline = time.monotonic() + fetcher.timeout
        self.finished = threading.Event()
        self.data = b""
        self.error: BaseException | None = None
        self._connection: http.client.HTTPSConnection | None = None
        self._aborted = False

    def run(self) -> None:
        try:
            self.data = self._follow(self.url)
        except BaseException as error:  # noqa: BLE001 (handed to the waiting thread, which raises it)
            self.error = error
        finally:
            self.finished.set()

    def abort(self) -> None:
        """Called by the waiting thread at the deadline: cut the connection so the worker ends too."""
        self._aborted = True
        connection = self._connection
        if connection is not None and connection.sock is not None:
            with contextlib.suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)

    def _refuse(self, problem: str) -> ExportError:
        return ExportError(problem, file=self.url)

    def _follow(self, url: str) -> bytes:
        for hop in range(MAX_REDIRECTS + 1):
            parts = urlsplit(url)
            if parts.scheme.lower() != "https":
                if hop == 0:
                    raise self._refuse("only https URLs are fetched")
                raise self._refuse(f"redirected to {url[:80]}: only https is followed; refused")
            try:
                port = parts.port or 443
            except ValueError:
                raise self._refuse(f"{url[:80]}: not a valid port; refused") from None
            host = parts.hostname
            if not host:
                raise self._refuse(f"{url[:80]}: no host name; refused")
            addresses = self._public_addresses(host, port)
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            status, location, body = self._get(host, port, addresses, path)
            if location is None:
                if status != 200:
                    raise self._refuse(f"download failed (HTTP {status})")
                return body
            url = urljoin(url, location)
        raise self._refuse(f"more than {MAX_REDIRECTS} redirects; refused")

    def _remaining(self) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0 or self._aborted:
            raise self._refuse(f"took longer than {self.fetcher.timeout:g} s; refused")
        return remaining

    def _public_addresses(self, host: str, port: int) -> list[str]:
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            raise self._refuse("download failed: the host name could not be resolved") from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
        for address in addresses:
            parsed = ipaddress.ip_address(address.split("%", 1)[0])
            if not self.fetcher.address_allowed(parsed, port):
                raise self._refuse(
                    f"{host} is not a public internet address ({parsed}): with --allow-network only public "
                    "addresses are fetched; refused"
                )
        if not addresses:
            raise self._refuse("download failed: the host name could not be resolved")
        return addresses

    def _get(self, host: str, port: int, addresses: list[str], path: str) -> tuple[int, str | None, bytes]:
        """One request: (status, redirect location or None, body)."""
        context = self.fetcher.tls or ssl.create_default_context()
        for address in addresses:
            connection = _PinnedConnection(host, port, address, timeout=self._remaining(), context=context)
            self._connection = connection
            try:
                connection.connect()
            except (OSError, ssl.SSLError):
                connection.close()
                self._remaining()  # the deadline's message wins over the connection's
                continue
            try:
                return self._exchange(connection, host, path)
            finally:
                connection.close()
        raise self._refuse(_NO_ANSWER)

    def _exchange(self, connection: http.client.HTTPSConnection, host: str, path: str) -> tuple[int, str | None, bytes]:
        try:
            connection.request(
                "GET",
                path,
                headers={
                    "User-Agent": "gov-article-exporter/0.1",
                    "Accept-Encoding": "identity",
                    "Connection": "close",
                },
            )
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise self._refuse(f"download failed (HTTP {response.status} without a Location)")
                return response.status, location, b""
            if response.status != 200:
                return response.status, None, b""
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > self.fetcher.max_bytes:
                raise self._too_large()
            return response.status, None, self._body(connection, response)
        except ExportError:
            raise
        except (OSError, ssl.SSLError, http.client.HTTPException, ValueError):
            self._remaining()
            raise self._refuse(_NO_ANSWER) from None

    def _body(self, connection: http.client.HTTPSConnection, response: http.client.HTTPResponse) -> bytes:
        chunks: list[bytes] = []
        received = 0
        while True:
            if connection.sock is not None:
                connection.sock.settimeout(self._remaining())
            # read1: whatever one receive brings, so the deadline is looked at between every two receives.
            chunk = response.read1(_READ_CHUNK)
            if not chunk:
                return b"".join(chunks)
            received += len(chunk)
            if received > self.fetcher.max_bytes:
                raise self._too_large()
            chunks.append(chunk)

    def _too_large(self) -> ExportError:
        return self._refuse(f"larger than {self.fetcher.max_bytes // (1024 * 1024)} MB; refused")
