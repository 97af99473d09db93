"""Authentication profiles of the portal, as httpx auth objects.

* :class:`AdapterAuth`: the DVCQG adapter model (docs/connectors.md, "Sources"; OpenCPS
  ``DVCQGIntegrationActionImpl``): ``POST {login_path}`` with ``{"username", "password"}``
  returns a ``session``; every call carries it in its JSON body; the optional ``dstcode`` header
  goes on every request. The session is cached and renewed when the adapter rejects it, or
  before use once ``session_ttl`` seconds have passed (when the adapter's lifetime is known).
* :class:`GatewayAuth`: LGSP/NGSP gateways (WSO2 API Manager style): OAuth2 client
  credentials (``Authorization: Basic base64(key:secret)``, form ``grant_type=client_credentials``)
  give a Bearer token, cached until it expires and refreshed once on a 401; the operation is
  routed with ``?service=<name>``;
* :class:`MyVNPostAuth`: VNPost's MyVNPost token (``GetAccessToken`` with an account, then a
  ``h-token`` or ``token`` header), for a postal integration that does not go through a
  gateway.

Each flow is written once as a generator (httpx's ``auth_flow``), so the same object works
with :class:`httpx.Client` and :class:`httpx.AsyncClient`. Secrets never appear in ``repr``,
logs or errors.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator
from typing import Any

import httpx

from onestop._http import encode_json
from onestop.connectors._protocol import is_session_error, parse_login, parse_response
from onestop.errors import AuthenticationError, ConfigurationError, UnexpectedResponseError

__all__ = ["AdapterAuth", "GatewayAuth", "MyVNPostAuth"]

logger = logging.getLogger("onestop.connectors.auth")


def _resolve(request: httpx.Request, target: str) -> httpx.URL:
    """A full URL as is; a path is taken on the request's host (``/login`` → ``https://h/login``)."""
    if target.startswith(("http://", "https://")):
        return httpx.URL(target)
    path = target if target.startswith("/") else "/" + target
    return request.url.copy_with(raw_path=path.encode("ascii"))


def _rebuild(
    request: httpx.Request,
    *,
    content: bytes | None = None,
    url: httpx.URL | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Request:
    """A copy of ``request`` with a new body, URL or extra headers."""
    new_headers = httpx.Headers(request.headers)
    if content is None:
        content = request.content
    else:
        new_headers["Content-Length"] = str(len(content))
    for key, value in (headers or {}).items():
        new_headers[key] = value
    return httpx.Request(
        request.method,
        url or request.url,
        headers=new_headers,
        content=content,
        extensions=request.extensions,
    )


def _with_session(content: bytes, session: str) -> bytes:
    """The JSON object ``content`` with ``"session"`` set.

    The session is spliced in front of the other members, so the body (a whole dossier) is not
    decoded and encoded again on every call; a body that already has a ``"session"`` member,
    or is not an object, is decoded instead.
    """
    head = content.lstrip()
    if head[:1] == b"{" and b'"session"' not in content:
        rest = head[1:].lstrip()
        member = b'"session":' + json.dumps(session, ensure_ascii=False).encode("utf-8")
        return b"{" + member + (b"" if rest[:1] == b"}" else b",") + rest
    body = _json_object(content)
    body["session"] = session
    return encode_json(body)


def _json_object(content: bytes) -> dict[str, Any]:
    try:
        body = json.loads(content or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _json_body(request: httpx.Request) -> dict[str, Any]:
    return _json_object(request.content)


def _require(value: object, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigurationError(
            f"{name}: empty or not a string; set it in code or with the ONESTOP_PORTAL_* "
            "environment variables",
            field=name,
        )
    return value


class _SingleFlightAuth(httpx.Auth):
    """An auth whose credential (session, token) is fetched once for all concurrent requests.

    Without this, N requests started together would each log in; an adapter that keeps one
    session per account would then invalidate all but the last. The fetch runs under a lock
    (a thread lock for ``httpx.Client``, an anyio lock for ``httpx.AsyncClient``); the rest of
    the flow is :meth:`auth_flow`, which then finds the credential cached.
    """

    requires_request_body = True
    requires_response_body = True

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fetch_lock = threading.Lock()
        self._async_locks: dict[int, Any] = {}

    def _cached(self) -> str | None:
        raise NotImplementedError

    def _fetch_request(self, request: httpx.Request) -> httpx.Request:
        raise NotImplementedError

    def _store(self, response: httpx.Response) -> str:
        raise NotImplementedError

    def _async_lock(self) -> Any:
        import asyncio

        import anyio

        try:
            key = id(asyncio.get_running_loop())
        except RuntimeError:  # another async library (trio)
            key = 0
        with self._lock:
            lock = self._async_locks.get(key)
            if lock is None:
                lock = self._async_locks[key] = anyio.Lock()
            return lock

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Fetch the credential once (thread lock), then run :meth:`auth_flow`."""
        if self._cached() is None:
            with self._fetch_lock:
                if self._cached() is None:
                    response = yield self._fetch_request(request)
                    response.read()
                    self._store(response)
        yield from super().sync_auth_flow(request)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Fetch the credential once (anyio lock), then run :meth:`auth_flow`.

        The flow is driven here rather than through ``httpx.Auth.async_auth_flow`` (the same
        few lines), which spares one more async generator around every request.
        """
        if self._cached() is None:
            async with self._async_lock():
                if self._cached() is None:
                    response = yield self._fetch_request(request)
                    await response.aread()
                    self._store(response)
        await request.aread()  # requires_request_body
        flow = self.auth_flow(request)
        request = next(flow)
        while True:
            response = yield request
            await response.aread()  # requires_response_body
            try:
                request = flow.send(response)
            except StopIteration:
                return


class AdapterAuth(_SingleFlightAuth):
    """Session login of the DVCQG adapter.

    Args:
        username: adapter account.
        password: its password (never logged).
        login_path: path on the adapter host (``"/login"``) or a full URL of the login call.
        dstcode: value of the ``dstcode`` header, when the adapter requires it.
        session_ttl: seconds after a login at which the session is renewed before use, when
            the adapter's session lifetime is known (``None``: renewed only when the adapter
            rejects it, which always works as well).
        clock: monotonic clock for ``session_ttl``, injectable for tests.

    Example:
        >>> auth = AdapterAuth("tinh-h56", "secret", login_path="/adapter/login")
        >>> auth
        AdapterAuth(username='tinh-h56', login_path='/adapter/login')
    """

    requires_request_body = True
    requires_response_body = True

    def __init__(
        self,
        username: str,
        password: str,
        *,
        login_path: str = "/login",
        dstcode: str | None = None,
        session_ttl: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.username = _require(username, "username")
        self._password = _require(password, "password")
        self.login_path = login_path
        self.dstcode = dstcode
        ttl: object = session_ttl
        if ttl is not None and (
            isinstance(ttl, bool)
            or not isinstance(ttl, int | float)
            or not math.isfinite(ttl)
            or ttl <= 0
        ):
            raise ConfigurationError(
                f"session_ttl: expected a positive number of seconds or None, got {ttl!r}",
                field="session_ttl",
            )
        self.session_ttl = session_ttl
        self._clock = clock
        self._session: str | None = None
        self._session_expiry = math.inf
        self.logins = 0
        """How many logins this object made (for monitoring and tests)."""

    def __repr__(self) -> str:
        return f"AdapterAuth(username={self.username!r}, login_path={self.login_path!r})"

    def invalidate(self) -> None:
        """Forget the cached session; the next call logs in again."""
        with self._lock:
            self._session = None

    def _extra_headers(self) -> dict[str, str]:
        return {"dstcode": self.dstcode} if self.dstcode else {}

    def _cached(self) -> str | None:
        with self._lock:
            if self._session is not None and self._clock() >= self._session_expiry:
                self._session = None  # renewed before the adapter has to refuse it
            return self._session

    def _fetch_request(self, request: httpx.Request) -> httpx.Request:
        return self._login_request(request)

    def _login_request(self, request: httpx.Request) -> httpx.Request:
        body = {"username": self.username, "password": self._password}
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            **self._extra_headers(),
        }
        if "user-agent" in request.headers:
            headers["User-Agent"] = request.headers["user-agent"]
        return httpx.Request(
            "POST",
            _resolve(request, self.login_path),
            headers=headers,
            content=json.dumps(body).encode("utf-8"),
            extensions=request.extensions,
        )

    def _store(self, response: httpx.Response) -> str:
        session = parse_login(response.status_code, response.headers, response.content)
        with self._lock:
            self._session = session
            self._session_expiry = (
                math.inf if self.session_ttl is None else self._clock() + self.session_ttl
            )
            self.logins += 1
        logger.debug("adapter login ok for account %s", self.username)
        return session

    def _signed(self, request: httpx.Request, session: str) -> httpx.Request:
        content = _with_session(request.content, session)
        return _rebuild(request, content=content, headers=self._extra_headers())

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Log in when needed, add the session, and log in again once if it was rejected."""
        session = self._cached()
        if session is None:
            session = self._store((yield self._login_request(request)))
        response = yield self._signed(request, session)
        if is_session_error(response.status_code, response.content):
            logger.debug("adapter session rejected; logging in again")
            with self._lock:
                if self._session == session:
                    self._session = None
            session = self._store((yield self._login_request(request)))
            yield self._signed(request, session)


class MyVNPostAuth(_SingleFlightAuth):
    """Token login of VNPost's MyVNPost API, for a direct (non-gateway) postal integration.

    ``POST {token_url}`` with ``{"TenDangNhap", "MatKhau"}`` answers ``{"IsSuccess": true,
    "Token": "…"}``; every call then carries the token in the ``header`` header (``h-token``
    on ``donhang.vnpost.vn``, ``token`` on ``my.vnpost.vn``). The token is cached and renewed
    once when VNPost answers 401. Public MyVNPost clients show this exchange; the token's
    lifetime is not published, so it is kept until refused.

    Args:
        username: the MyVNPost account (never logged with its password).
        password: its password.
        token_url: path on the API host or a full URL of ``GetAccessToken``.
        header: the header that carries the token.

    Example:
        >>> MyVNPostAuth("tinh-h56", "secret")
        MyVNPostAuth(username='tinh-h56', token_url='/api/MobileAuthentication/GetAccessToken')
    """

    requires_request_body = True
    requires_response_body = True

    def __init__(
        self,
        username: str,
        password: str,
        *,
        token_url: str = "/api/MobileAuthentication/GetAccessToken",  # noqa: S107 - a path
        header: str = "h-token",
    ) -> None:
        super().__init__()
        self.username = _require(username, "username")
        self._password = _require(password, "password")
        self.token_url = token_url
        self.header = _require(header, "header")
        self._token: str | None = None
        self.logins = 0
        """How many tokens this object requested (for monitoring and tests)."""

    def __repr__(self) -> str:
        return f"MyVNPostAuth(username={self.username!r}, token_url={self.token_url!r})"

    def invalidate(self) -> None:
        """Forget the cached token; the next call logs in again."""
        with self._lock:
            self._token = None

    def _cached(self) -> str | None:
        with self._lock:
            return self._token

    def _fetch_request(self, request: httpx.Request) -> httpx.Request:
        body = {"TenDangNhap": self.username, "MatKhau": self._password}
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if "user-agent" in request.headers:
            headers["User-Agent"] = request.headers["user-agent"]
        return httpx.Request(
            "POST",
            _resolve(request, self.token_url),
            headers=headers,
            content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            extensions=request.extensions,
        )

    def _store(self, response: httpx.Response) -> str:
        if response.status_code in (400, 401, 403):
            raise AuthenticationError(
                f"token: MyVNPost refused the login (HTTP {response.status_code}); check "
                "ONESTOP_PORTAL_USERNAME / ONESTOP_PORTAL_PASSWORD",
                status_code=response.status_code,
            )
        if response.status_code != 200:
            parse_response(
                response.status_code, response.headers, response.content, service="token"
            )
        try:
            data = response.json()
            ok = data.get("IsSuccess") is True
            token = data.get("Token")
        except (ValueError, AttributeError) as exc:
            raise UnexpectedResponseError(
                "token: MyVNPost's answer is not {IsSuccess, Token}"
            ) from exc
        if not ok or not isinstance(token, str) or not token:
            raise AuthenticationError(
                "token: MyVNPost refused the login (IsSuccess is not true); check "
                "ONESTOP_PORTAL_USERNAME / ONESTOP_PORTAL_PASSWORD",
                status_code=200,
            )
        with self._lock:
            self._token = token
            self.logins += 1
        logger.debug("MyVNPost token obtained for account %s", self.username)
        return token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Get a token when needed, send it in :attr:`header`, log in again once on 401."""
        token = self._cached()
        if token is None:
            token = self._store((yield self._fetch_request(request)))
        response = yield _rebuild(request, headers={self.header: token})
        if response.status_code == 401:
            logger.debug("MyVNPost token rejected; logging in again")
            with self._lock:
                if self._token == token:
                    self._token = None
            token = self._store((yield self._fetch_request(request)))
            yield _rebuild(request, headers={self.header: token})


class GatewayAuth(_SingleFlightAuth):
    """OAuth2 client credentials of an LGSP/NGSP gateway, with ``?service=`` routing.

    Args:
        consumer_key: the application's consumer key.
        consumer_secret: its secret (never logged).
        token_url: path on the gateway host (``"/token"``) or a full URL of the token endpoint.
        refresh_margin: seconds before ``expires_in`` at which the token is renewed.
        clock: monotonic clock, injectable for tests.

    Example:
        >>> GatewayAuth("key", "secret", token_url="https://api.mitc.vn/token")
        GatewayAuth(consumer_key='key', token_url='https://api.mitc.vn/token')
    """

    requires_request_body = True
    requires_response_body = True

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        *,
        token_url: str = "/token",  # noqa: S107 - a path, not a secret
        refresh_margin: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.consumer_key = _require(consumer_key, "consumer_key")
        self._secret = _require(consumer_secret, "consumer_secret")
        self.token_url = token_url
        self.refresh_margin = refresh_margin
        self._clock = clock
        self._token: tuple[str, float] | None = None
        self.token_requests = 0
        """How many tokens this object requested (for monitoring and tests)."""

    def __repr__(self) -> str:
        return f"GatewayAuth(consumer_key={self.consumer_key!r}, token_url={self.token_url!r})"

    def invalidate(self) -> None:
        """Forget the cached token; the next call requests a new one."""
        with self._lock:
            self._token = None

    def _token_request(self, request: httpx.Request) -> httpx.Request:
        basic = base64.b64encode(f"{self.consumer_key}:{self._secret}".encode()).decode("ascii")
        headers = {
            "Authorization": f"Basic {basic}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        if "user-agent" in request.headers:
            headers["User-Agent"] = request.headers["user-agent"]
        return httpx.Request(
            "POST",
            _resolve(request, self.token_url),
            headers=headers,
            content=b"grant_type=client_credentials",
            extensions=request.extensions,
        )

    def _store(self, response: httpx.Response) -> str:
        if response.status_code in (400, 401, 403):
            raise AuthenticationError(
                f"token: the gateway refused the client-credentials grant "
                f"(HTTP {response.status_code}); check the consumer key and secret",
                status_code=response.status_code,
            )
        if response.status_code != 200:
            # 429 and 5xx become their typed (retryable) errors.
            parse_response(
                response.status_code, response.headers, response.content, service="token"
            )
        try:
            data = response.json()
            token = str(data["access_token"])
            expires_in = float(data.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as exc:
            raise UnexpectedResponseError(
                "token: the gateway's answer has no access_token/expires_in"
            ) from exc
        with self._lock:
            self._token = (token, self._clock() + max(0.0, expires_in - self.refresh_margin))
            self.token_requests += 1
        logger.debug("gateway token obtained, valid %.0f s", expires_in)
        return token

    def _current(self) -> str | None:
        with self._lock:
            if self._token is None or self._clock() >= self._token[1]:
                return None
            return self._token[0]

    def _cached(self) -> str | None:
        return self._current()

    def _fetch_request(self, request: httpx.Request) -> httpx.Request:
        return self._token_request(request)

    @staticmethod
    def _routed(request: httpx.Request, token: str) -> httpx.Request:
        service = _json_body(request).get("service")
        url = request.url
        if isinstance(service, str) and "service" not in url.params:
            url = url.copy_merge_params({"service": service})
        return _rebuild(request, url=url, headers={"Authorization": f"Bearer {token}"})

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Get a token when needed, send with Bearer and ``?service=``, refresh once on 401."""
        token = self._current()
        if token is None:
            token = self._store((yield self._token_request(request)))
        response = yield self._routed(request, token)
        if response.status_code == 401:
            logger.debug("gateway token rejected; requesting a new one")
            self.invalidate()
            token = self._store((yield self._token_request(request)))
            yield self._routed(request, token)
