"""Who may look: loopback by default; anywhere else only with a credential, checked on every request.

The credential is a token (at least 16 characters) from ``--token-file`` or
``GRANTLEDGER_WEB_TOKEN``. Browsers send it as the password of HTTP Basic
authentication (any user name), scripts as ``Authorization: Bearer TOKEN``;
it is compared in constant time (``hmac.compare_digest``). Every response
carries headers that keep the pages out of frames and forbid scripts and
resources from anywhere but the server itself.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ledger import errors

MIN_TOKEN = 16
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'none'; frame-ancestors 'none'; form-action 'self'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve anywhere


def credential(token: str | None, host: str) -> str | None:
    """The token to require (None: none), or a refusal to bind beyond loopback without one."""
    token = token.strip() if token else None
    if token and len(token) < MIN_TOKEN:
        raise errors.invalid(f"访问令牌太短 ({len(token)} 个字符): 至少 {MIN_TOKEN} 个字符")
    if not token and not is_loopback(host):
        raise errors.invalid(
            f"--host {host} 不是本机回环地址: 须提供访问令牌 "
            "(--token-file FILE 或环境变量 GRANTLEDGER_WEB_TOKEN) 才能对外提供服务"
        )
    return token


def presented(authorization: str | None) -> str | None:
    """The token in an Authorization header: a Bearer token, or the password of Basic credentials."""
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer":
        return value.strip()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2]
    return None


class Guard:
    """ASGI middleware: the credential on every request (when there is one), security headers on every answer."""

    def __init__(self, app: ASGIApp, token: str | None):
        self.app = app
        self.token = token.encode() if token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        if self.token is not None and not self.accepts(Headers(scope=scope).get("authorization")):
            await with_headers(
                {
                    "type": "http.response.start",
                    "status": 401,
                    "headers": [
                        (b"www-authenticate", b'Basic realm="grantledger", charset="UTF-8"'),
                        (b"content-type", b"text/plain; charset=utf-8"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": "需要访问令牌 (401)\n".encode()})
            return
        await self.app(scope, receive, with_headers)

    def accepts(self, authorization: str | None) -> bool:
        given = presented(authorization)
        return given is not None and hmac.compare_digest(given.encode(), self.token or b"")
