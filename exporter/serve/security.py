"""Who may talk to the server, and how much they may send.

- A token (`--token` / `EXPORTER_TOKEN`), required for any bind but loopback: sent as `Authorization: Bearer`,
  or typed once into the sign-in form, which sets an HttpOnly, SameSite=Strict cookie holding a digest of it.
  Compared in constant time. Without it: 401 and the sign-in form.
- Form posts from another site are refused (Origin must be this server): a page elsewhere cannot make a
  visitor's browser upload to, or rebuild on, a server on their machine.
- Request bodies over the limit get 413, whether the client announced the size or not.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "exporter_session"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def session_value(token: str) -> str:
    """What the cookie holds: a digest of the token, so the cookie is not the token itself."""
    return hmac.new(token.encode(), b"exporter-serve-session", hashlib.sha256).hexdigest()


def token_matches(token: str, offered: str) -> bool:
    return hmac.compare_digest(token.encode(), offered.encode())


def authorized(token: str | None, headers: dict[str, str]) -> bool:
    if token is None:
        return True
    scheme, _, offered = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token_matches(token, offered.strip()):
        return True
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:  # noqa: BLE001 - a malformed cookie header is no session
        return False
    morsel = cookie.get(COOKIE)
    return morsel is not None and hmac.compare_digest(session_value(token).encode(), morsel.value.encode())


class TooLarge(Exception):
    pass


class Guard:
    """ASGI middleware: body size limit, same-origin posts, token. `refuse(status, scope, receive, send)` renders
    the page for a refusal."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str | None,
        max_body: int,
        refuse: Callable[[int, Scope, Receive, Send], Awaitable[None]],
        open_paths: frozenset[str] = frozenset({"/signin", "/static/serve.css"}),
    ) -> None:
        self.app, self.token, self.max_body, self.refuse, self.open_paths = app, token, max_body, refuse, open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}
        if scope["method"] not in ("GET", "HEAD") and not _same_origin(headers):
            await self.refuse(403, scope, receive, send)
            return
        if scope["path"] not in self.open_paths and not authorized(self.token, headers):
            await self.refuse(401, scope, receive, send)
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            await self.refuse(413, scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise TooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except TooLarge:
            if not started:
                await self.refuse(413, scope, receive, send)


def _same_origin(headers: dict[str, str]) -> bool:
    """A browser names the page a form came from; it must be this server (any port-less or ported spelling of
    the Host header). Clients that send no Origin (curl, scripts) are not browsers a page can steer."""
    origin = headers.get("origin")
    if origin is None:
        return True
    return origin != "null" and urlsplit(origin).netloc.lower() == headers.get("host", "").lower()
