"""Network peers on 127.0.0.1 for the download tests and benchmarks: a TCP listener that counts connections, and
an HTTPS server (a test certificate authority from trustme) that answers, redirects, or dribbles."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable

import trustme

CA = trustme.CA()
SERVER_NAMES = ("localhost", "127.0.0.1", "rebind.test")


def client_tls() -> ssl.SSLContext:
    """What the exporter's fetcher uses, trusting the test authority as well."""
    context = ssl.create_default_context()
    CA.configure_trust(context)
    return context


class Listener:
    """A plain TCP listener on 127.0.0.1 that accepts and counts connections, and closes them."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted += 1
            self.handle(connection)

    def handle(self, connection: socket.socket) -> None:
        connection.close()

    def close(self) -> None:
        self.socket.close()


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


class HttpsPeer(Listener):
    """An HTTPS server on 127.0.0.1; `respond(stream, peer)` writes the whole response after the request."""

    def __init__(self, respond: Callable[[ssl.SSLSocket, HttpsPeer], None], *, handshake: bool = True) -> None:
        self.respond = respond
        self.handshake = handshake
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        CA.issue_cert(*SERVER_NAMES).configure_cert(self.context)
        self.answered_in_full = False  # set by a dribbling answer that reached its end
        self.stopped = threading.Event()
        super().__init__()

    def url(self, path: str = "/page.html", host: str = "127.0.0.1") -> str:
        return f"https://{host}:{self.port}{path}"

    def handle(self, connection: socket.socket) -> None:
        threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        try:
            if not self.handshake:  # accept, then say nothing at all
                self.stopped.wait(60)
                return
            with self.context.wrap_socket(connection, server_side=True) as stream:
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = stream.recv(4096)
                    if not chunk:
                        return
                    request += chunk
                self.respond(stream, self)
        except OSError:
            pass
        finally:
            connection.close()

    def close(self) -> None:
        self.stopped.set()
        super().close()


def answer(body: bytes, content_type: str = "text/html") -> Callable[[ssl.SSLSocket, HttpsPeer], None]:
    def respond(stream: ssl.SSLSocket, peer: HttpsPeer) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
        stream.sendall(head.encode() + body)

    return respond


def redirect(location: str) -> Callable[[ssl.SSLSocket, HttpsPeer], None]:
    def respond(stream: ssl.SSLSocket, peer: HttpsPeer) -> None:
        stream.sendall(f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n".encode())

    return respond


def dribble(seconds_per_byte: float, total_bytes: int, *, in_headers: bool = False):
    """A peer that sends its answer a byte at a time: every read gets data, so only a total deadline stops it."""

    def respond(stream: ssl.SSLSocket, peer: HttpsPeer) -> None:
        if in_headers:
            stream.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            payload = b"x" * total_bytes
        else:
            stream.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {total_bytes}\r\n\r\n".encode())
            payload = b"<" * total_bytes
        for byte in payload:
            if peer.stopped.is_set():
                return
            stream.sendall(bytes([byte]))
            time.sleep(seconds_per_byte)
        peer.answered_in_full = True

    return respond
