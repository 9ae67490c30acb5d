"""A tiny OpenID Connect provider for tests, on 127.0.0.1 in a thread: /token hands out a signed ID token
(and an access token) for a code the test registered beforehand, /jwks publishes the public key and
/userinfo answers for the access token. No network beyond the loopback address."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "verband-test"
CLIENT_SECRET = "test-client-secret"


def new_key(kid: str) -> RSAKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return RSAKey.import_key(private, {"kid": kid, "alg": "RS256", "use": "sig"})


@dataclass
class Grant:
    claims: dict[str, Any]
    userinfo: dict[str, Any]
    key: RSAKey
    header: dict[str, Any]


@dataclass
class Provider:
    base_url: str = ""
    key: RSAKey = field(default_factory=lambda: new_key("verband-test-1"))
    grants: dict[str, Grant] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    userinfo_requests: list[str] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return self.base_url

    def grant(
        self,
        code: str,
        *,
        nonce: str,
        sub: str,
        email: str = "",
        email_verified: bool = True,
        amr: list[str] | None = None,
        key: RSAKey | None = None,
        userinfo: dict[str, Any] | None = None,
        **extra: Any,
    ) -> None:
        """What the provider answers for `code`: an ID token with these claims, signed with `key` (the
        published key unless another is given), and matching userinfo unless `userinfo` is given."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": sub,
            "email": email,
            "email_verified": email_verified,
            "nonce": nonce,
            "iat": now,
            "exp": now + 300,
        }
        if amr is not None:
            claims["amr"] = amr
        claims.update(extra)
        signing_key = key or self.key
        self.grants[code] = Grant(
            claims=claims,
            userinfo=userinfo
            if userinfo is not None
            else {"sub": sub, "email": email, "email_verified": email_verified},
            key=signing_key,
            header={"alg": "RS256", "kid": signing_key.kid},
        )

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False)]}

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        grant = self.grants.get(form.get("code", ""))
        if grant is None or form.get("client_secret") != CLIENT_SECRET:
            return 400, {"error": "invalid_grant"}
        return 200, {
            "access_token": "at-" + form["code"],
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": jwt.encode(grant.header, grant.claims, grant.key),
        }

    def userinfo(self, authorization: str) -> tuple[int, dict[str, Any]]:
        self.userinfo_requests.append(authorization)
        code = authorization.removeprefix("Bearer at-")
        grant = self.grants.get(code) if authorization.startswith("Bearer at-") else None
        if grant is None:
            return 401, {"error": "invalid_token"}
        return 200, grant.userinfo


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/jwks":
            self._send(200, self.server.provider.jwks())
        elif path == "/userinfo":
            self._send(*self.server.provider.userinfo(self.headers.get("Authorization", "")))
        else:
            self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if urlsplit(self.path).path == "/token":
            self._send(*self.server.provider.token(form))
        else:
            self._send(404, {"error": "not_found"})

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    provider: Provider


@contextmanager
def running_provider() -> Iterator[Provider]:
    server = _Server(("127.0.0.1", 0), _Handler)
    provider = Provider(base_url=f"http://127.0.0.1:{server.server_address[1]}")
    server.provider = provider
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
