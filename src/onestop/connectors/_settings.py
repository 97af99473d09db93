"""Connection settings of the connectors, from code or from ``ONESTOP_*`` environment variables.

:func:`read_settings` reads every connector's settings the same way (options win over the
environment). The portal's (:class:`PortalSettings`):

=====================================  =======================================================
variable                               meaning
=====================================  =======================================================
``ONESTOP_PORTAL_URL``                 base URL of the adapter or gateway (required)
``ONESTOP_PORTAL_UNIT_CODE``           the unit code sent as ``madonvi`` (required)
``ONESTOP_PORTAL_AUTH``                ``adapter`` (default) or ``gateway``
``ONESTOP_PORTAL_USERNAME``            adapter account (adapter mode)
``ONESTOP_PORTAL_PASSWORD``            adapter password (adapter mode)
``ONESTOP_PORTAL_LOGIN_PATH``          login path or URL (default ``/login``)
``ONESTOP_PORTAL_DSTCODE``             value of the ``dstcode`` header, if the adapter wants it
``ONESTOP_PORTAL_CONSUMER_KEY``        gateway consumer key (gateway mode)
``ONESTOP_PORTAL_CONSUMER_SECRET``     gateway consumer secret (gateway mode)
``ONESTOP_PORTAL_TOKEN_URL``           token path or URL (default ``/token``)
``ONESTOP_PORTAL_SERVICE_PATH``        integration (write) service path (default ``/service``)
``ONESTOP_PORTAL_SHARE_PATH``          share (read) service path (default: the service path)
``ONESTOP_PORTAL_TIMEOUT``             total seconds of one HTTP call (default 30)
``ONESTOP_PORTAL_MAX_RESPONSE_BYTES``  largest answer read, in bytes (default 33554432: 32 MiB)
=====================================  =======================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

import attrs

from onestop._http import DEFAULT_MAX_RESPONSE_BYTES, check_max_response_bytes, check_timeout
from onestop.errors import ConfigurationError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "ENV_VARS",
    "PAYMENT_ENV_VARS",
    "POSTAL_ENV_VARS",
    "PaymentSettings",
    "PortalSettings",
    "PostalSettings",
    "read_settings",
]

#: Environment variable per settings attribute.
ENV_VARS: dict[str, str] = {
    "base_url": "ONESTOP_PORTAL_URL",
    "unit_code": "ONESTOP_PORTAL_UNIT_CODE",
    "auth_mode": "ONESTOP_PORTAL_AUTH",
    "username": "ONESTOP_PORTAL_USERNAME",
    "password": "ONESTOP_PORTAL_PASSWORD",
    "login_path": "ONESTOP_PORTAL_LOGIN_PATH",
    "dstcode": "ONESTOP_PORTAL_DSTCODE",
    "consumer_key": "ONESTOP_PORTAL_CONSUMER_KEY",
    "consumer_secret": "ONESTOP_PORTAL_CONSUMER_SECRET",
    "token_url": "ONESTOP_PORTAL_TOKEN_URL",
    "service_path": "ONESTOP_PORTAL_SERVICE_PATH",
    "share_path": "ONESTOP_PORTAL_SHARE_PATH",
    "timeout": "ONESTOP_PORTAL_TIMEOUT",
    "max_response_bytes": "ONESTOP_PORTAL_MAX_RESPONSE_BYTES",
}


def read_settings(
    env_vars: Mapping[str, str],
    environ: Mapping[str, str] | None,
    overrides: Mapping[str, str | float | None],
    *,
    required: tuple[str, ...],
    modes: tuple[str, ...] = (),
) -> dict[str, str | float | int | None]:
    """The values of a settings class, from ``overrides`` (when not None) or the environment.

    The one reader of every connector's settings (portal, postal, payment): options given in
    code or on the command line win over the environment variables of ``env_vars``; an
    empty variable counts as unset; ``timeout`` becomes a float and ``max_response_bytes``
    an int, with errors that name the variable.

    Args:
        env_vars: settings attribute -> environment variable.
        environ: the environment (``os.environ`` when ``None``).
        overrides: attribute values given in code or on the command line.
        required: attributes that must have a value.
        modes: the allowed values of ``auth_mode`` (lower-cased), the first being the default;
            empty when the settings have no such attribute.

    Raises:
        ConfigurationError: an unknown override, a missing required value, an unknown mode or
            a malformed number.
    """
    env = os.environ if environ is None else environ
    unknown = set(overrides) - set(env_vars)
    if unknown:
        raise ConfigurationError(
            f"settings: unknown option(s) {sorted(unknown)}; expected {sorted(env_vars)}",
            field=sorted(unknown)[0],
        )
    values: dict[str, str | float | int | None] = {}
    for attr, var in env_vars.items():
        given = overrides.get(attr)
        if given is not None:
            values[attr] = given
        elif env.get(var):
            values[attr] = env[var]
    for attr in required:
        if not values.get(attr):
            raise ConfigurationError(
                f"{attr}: missing; set {env_vars[attr]} or pass it explicitly", field=attr
            )
    if modes:
        mode = str(values.get("auth_mode", modes[0])).lower()
        if mode not in modes:
            expected = " or ".join(repr(m) for m in modes)
            raise ConfigurationError(
                f"auth_mode: {mode!r} is not supported; expected {expected} "
                f"({env_vars['auth_mode']})",
                field="auth_mode",
            )
        values["auth_mode"] = mode
    if "timeout" in values:
        try:
            values["timeout"] = float(values["timeout"])  # type: ignore[arg-type]
        except ValueError:
            raise ConfigurationError(
                f"timeout: expected seconds as a number ({env_vars['timeout']})",
                field="timeout",
            ) from None
    given = values.get("max_response_bytes")
    if isinstance(given, str):
        if not given.strip().isdigit():
            raise ConfigurationError(
                "max_response_bytes: expected a whole number of bytes "
                f"({env_vars['max_response_bytes']})",
                field="max_response_bytes",
            )
        values["max_response_bytes"] = int(given.strip())
    return values


@attrs.frozen(kw_only=True)
class PortalSettings:
    """Everything needed to build a portal client; secrets are hidden from ``repr``.

    Attributes:
        base_url: adapter or gateway base URL.
        unit_code: ``madonvi`` of the account.
        auth_mode: ``"adapter"`` (session login) or ``"gateway"`` (OAuth2 client credentials).
        username: adapter account.
        password: adapter password.
        login_path: adapter login path or URL.
        dstcode: ``dstcode`` header value.
        consumer_key: gateway consumer key.
        consumer_secret: gateway consumer secret.
        token_url: gateway token path or URL.
        service_path: integration (write) path.
        share_path: share (read) path; ``None`` means the service path.
        timeout: total seconds of one HTTP call (connect, send, receive the whole answer).
        max_response_bytes: the largest answer read, in bytes.
    """

    base_url: str
    unit_code: str
    auth_mode: Literal["adapter", "gateway"] = "adapter"
    username: str = ""
    password: str = attrs.field(default="", repr=False)
    login_path: str = "/login"
    dstcode: str | None = None
    consumer_key: str = ""
    consumer_secret: str = attrs.field(default="", repr=False)
    token_url: str = "/token"  # noqa: S105 - a path, not a secret
    service_path: str = "/service"
    share_path: str | None = None
    timeout: float = attrs.field(default=30.0)
    max_response_bytes: int = attrs.field(default=DEFAULT_MAX_RESPONSE_BYTES)

    @max_response_bytes.validator
    def _check_max_response_bytes(self, _attribute: attrs.Attribute[int], value: object) -> None:
        check_max_response_bytes(
            value, hint=f" ({ENV_VARS['max_response_bytes']} or --max-response-bytes)"
        )

    @timeout.validator
    def _check_timeout(self, _attribute: attrs.Attribute[float], value: object) -> None:
        check_timeout(value, hint=f" ({ENV_VARS['timeout']} or --timeout)")

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: str | float | None
    ) -> PortalSettings:
        """Read the settings from ``ONESTOP_PORTAL_*`` variables; ``overrides`` win when not None.

        Args:
            environ: the environment (defaults to ``os.environ``).
            **overrides: attribute values given in code or on the command line.

        Raises:
            ConfigurationError: a required value is missing or a value is malformed.
        """
        values = read_settings(
            ENV_VARS,
            environ,
            overrides,
            required=("base_url", "unit_code"),
            modes=("adapter", "gateway"),
        )
        return cls(**values)  # type: ignore[arg-type]

    def make_auth(self) -> httpx.Auth:
        """The auth object of :attr:`auth_mode` (imports httpx).

        Raises:
            ConfigurationError: the credentials of the mode are missing.
        """
        from onestop.connectors.auth import AdapterAuth, GatewayAuth

        if self.auth_mode == "gateway":
            for attr in ("consumer_key", "consumer_secret"):
                if not getattr(self, attr):
                    raise ConfigurationError(
                        f"{attr}: missing for gateway mode; set {ENV_VARS[attr]}", field=attr
                    )
            return GatewayAuth(self.consumer_key, self.consumer_secret, token_url=self.token_url)
        for attr in ("username", "password"):
            if not getattr(self, attr):
                raise ConfigurationError(
                    f"{attr}: missing for adapter mode; set {ENV_VARS[attr]}", field=attr
                )
        return AdapterAuth(
            self.username, self.password, login_path=self.login_path, dstcode=self.dstcode
        )


#: Environment variable per :class:`PostalSettings` attribute. The credentials are the
#: portal's (one gateway consumer or one account serves a province's integrations).
POSTAL_ENV_VARS: dict[str, str] = {
    "base_url": "ONESTOP_POSTAL_URL",
    "customer_code": "ONESTOP_POSTAL_CUSTOMER_CODE",
    "auth_mode": "ONESTOP_POSTAL_AUTH",
    "consumer_key": "ONESTOP_PORTAL_CONSUMER_KEY",
    "consumer_secret": "ONESTOP_PORTAL_CONSUMER_SECRET",
    "token_url": "ONESTOP_PORTAL_TOKEN_URL",
    "username": "ONESTOP_PORTAL_USERNAME",
    "password": "ONESTOP_PORTAL_PASSWORD",
    "login_path": "ONESTOP_POSTAL_LOGIN_PATH",
    "agency_file": "ONESTOP_POSTAL_AGENCY_FILE",
    "order_path": "ONESTOP_POSTAL_ORDER_PATH",
    "cancel_path": "ONESTOP_POSTAL_CANCEL_PATH",
    "tracking_path": "ONESTOP_POSTAL_TRACKING_PATH",
    "price_path": "ONESTOP_POSTAL_PRICE_PATH",
    "timeout": "ONESTOP_POSTAL_TIMEOUT",
    "max_response_bytes": "ONESTOP_POSTAL_MAX_RESPONSE_BYTES",
}


@attrs.frozen(kw_only=True)
class PostalSettings:
    """Everything needed to build a postal client; secrets are hidden from ``repr``.

    =====================================  ====================================================
    variable                               meaning
    =====================================  ====================================================
    ``ONESTOP_POSTAL_URL``                 base URL of the order API (NGSP, LGSP or MyVNPost)
    ``ONESTOP_POSTAL_CUSTOMER_CODE``       the deployment's VNPost customer code (required)
    ``ONESTOP_POSTAL_AUTH``                ``gateway`` (default: NGSP/LGSP client credentials)
                                           or ``myvnpost`` (account token)
    ``ONESTOP_PORTAL_CONSUMER_KEY``,       the gateway consumer (gateway mode), as the portal's
    ``…_CONSUMER_SECRET``, ``…_TOKEN_URL``
    ``ONESTOP_PORTAL_USERNAME``,           the MyVNPost account (myvnpost mode)
    ``ONESTOP_PORTAL_PASSWORD``
    ``ONESTOP_POSTAL_LOGIN_PATH``          MyVNPost's token path or URL
    ``ONESTOP_POSTAL_AGENCY_FILE``         a JSON :class:`~onestop.models.PostalParty`: the
                                           agency's counter (sender of results, receiver of
                                           pickups)
    ``ONESTOP_POSTAL_ORDER_PATH``, …       the path of each operation (``ORDER``, ``CANCEL``,
                                           ``TRACKING``, ``PRICE``); a path may carry a query
                                           (``/vnpost?service=orderpost`` for an LGSP)
    ``ONESTOP_POSTAL_TIMEOUT``             total seconds of one HTTP call (default 30)
    ``ONESTOP_POSTAL_MAX_RESPONSE_BYTES``  largest answer read, in bytes (default 32 MiB)
    =====================================  ====================================================
    """

    base_url: str
    customer_code: str
    auth_mode: Literal["gateway", "myvnpost"] = "gateway"
    consumer_key: str = ""
    consumer_secret: str = attrs.field(default="", repr=False)
    token_url: str = "/token"  # noqa: S105 - a path, not a secret
    username: str = ""
    password: str = attrs.field(default="", repr=False)
    login_path: str = "/api/MobileAuthentication/GetAccessToken"
    agency_file: str | None = None
    order_path: str = "/order/post"
    cancel_path: str = "/order/cancel"
    tracking_path: str = "/order/tracking"
    price_path: str = "/order/price"
    timeout: float = attrs.field(default=30.0)
    max_response_bytes: int = attrs.field(default=DEFAULT_MAX_RESPONSE_BYTES)

    @max_response_bytes.validator
    def _check_max_response_bytes(self, _attribute: attrs.Attribute[int], value: object) -> None:
        check_max_response_bytes(
            value, hint=f" ({POSTAL_ENV_VARS['max_response_bytes']} or --max-response-bytes)"
        )

    @timeout.validator
    def _check_timeout(self, _attribute: attrs.Attribute[float], value: object) -> None:
        check_timeout(value, hint=f" ({POSTAL_ENV_VARS['timeout']} or --timeout)")

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: str | float | None
    ) -> PostalSettings:
        """Read the settings from the environment; ``overrides`` win when not None.

        Raises:
            ConfigurationError: a required value is missing or a value is malformed.
        """
        values = read_settings(
            POSTAL_ENV_VARS,
            environ,
            overrides,
            required=("base_url", "customer_code"),
            modes=("gateway", "myvnpost"),
        )
        return cls(**values)  # type: ignore[arg-type]

    def make_auth(self) -> httpx.Auth:
        """The auth object of :attr:`auth_mode` (imports httpx).

        Raises:
            ConfigurationError: the credentials of the mode are missing.
        """
        from onestop.connectors.auth import GatewayAuth, MyVNPostAuth

        needed = (
            ("consumer_key", "consumer_secret")
            if self.auth_mode == "gateway"
            else ("username", "password")
        )
        for attr in needed:
            if not getattr(self, attr):
                raise ConfigurationError(
                    f"{attr}: missing for {self.auth_mode} mode; set {POSTAL_ENV_VARS[attr]}",
                    field=attr,
                )
        if self.auth_mode == "gateway":
            return GatewayAuth(self.consumer_key, self.consumer_secret, token_url=self.token_url)
        return MyVNPostAuth(self.username, self.password, token_url=self.login_path)


#: Environment variable per :class:`PaymentSettings` attribute.
PAYMENT_ENV_VARS: dict[str, str] = {
    "base_url": "ONESTOP_PAYMENT_URL",
    "partner_code": "ONESTOP_PAYMENT_PARTNER_CODE",
    "secret": "ONESTOP_PAYMENT_SECRET",
    "algorithm": "ONESTOP_PAYMENT_ALGORITHM",
    "access_token": "ONESTOP_PAYMENT_ACCESS_TOKEN",
    "init_path": "ONESTOP_PAYMENT_INIT_PATH",
    "query_path": "ONESTOP_PAYMENT_QUERY_PATH",
    "bill_path": "ONESTOP_PAYMENT_BILL_PATH",
    "ip": "ONESTOP_PAYMENT_IP",
    "timeout": "ONESTOP_PAYMENT_TIMEOUT",
    "max_response_bytes": "ONESTOP_PAYMENT_MAX_RESPONSE_BYTES",
}


@attrs.frozen(kw_only=True)
class PaymentSettings:
    """Everything needed to build a payment client; the secret and token are hidden from ``repr``.

    =======================================  ==================================================
    variable                                 meaning
    =======================================  ==================================================
    ``ONESTOP_PAYMENT_URL``                  base URL of the payment platform (required)
    ``ONESTOP_PAYMENT_PARTNER_CODE``         this deployment's ``MaDoiTac`` (required)
    ``ONESTOP_PAYMENT_SECRET``               the secret of ``MaXacThuc`` (required)
    ``ONESTOP_PAYMENT_ALGORITHM``            ``sha256-secret`` (default) or ``hmac-sha256``
    ``ONESTOP_PAYMENT_ACCESS_TOKEN``         a Bearer token, when the platform gave one
    ``ONESTOP_PAYMENT_INIT_PATH``, …         path or URL of INIT (``…_QUERY_PATH``,
                                             ``…_BILL_PATH``)
    ``ONESTOP_PAYMENT_IP``                   the server's address sent as ``Ip``
    ``ONESTOP_PAYMENT_TIMEOUT``              total seconds of one HTTP call (default 30)
    ``ONESTOP_PAYMENT_MAX_RESPONSE_BYTES``   largest answer read (default 32 MiB)
    =======================================  ==================================================
    """

    base_url: str
    partner_code: str
    secret: str = attrs.field(repr=False)
    algorithm: Literal["sha256-secret", "hmac-sha256"] = "sha256-secret"
    access_token: str | None = attrs.field(default=None, repr=False)
    init_path: str = "/init"
    query_path: str = "/query"
    bill_path: str = "/getbill"
    ip: str = "127.0.0.1"
    timeout: float = attrs.field(default=30.0)
    max_response_bytes: int = attrs.field(default=DEFAULT_MAX_RESPONSE_BYTES)

    @max_response_bytes.validator
    def _check_max_response_bytes(self, _attribute: attrs.Attribute[int], value: object) -> None:
        check_max_response_bytes(value, hint=f" ({PAYMENT_ENV_VARS['max_response_bytes']})")

    @timeout.validator
    def _check_timeout(self, _attribute: attrs.Attribute[float], value: object) -> None:
        check_timeout(value, hint=f" ({PAYMENT_ENV_VARS['timeout']})")

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: str | float | None
    ) -> PaymentSettings:
        """Read the settings from the environment; ``overrides`` win when not None.

        Raises:
            ConfigurationError: a required value is missing or a value is malformed.
        """
        values = read_settings(
            PAYMENT_ENV_VARS,
            environ,
            overrides,
            required=("base_url", "partner_code", "secret"),
        )
        algorithm = values.get("algorithm", "sha256-secret")
        if algorithm not in ("sha256-secret", "hmac-sha256"):
            raise ConfigurationError(
                f"algorithm: {str(algorithm)[:30]!r} is not supported; expected "
                f"'sha256-secret' or 'hmac-sha256' ({PAYMENT_ENV_VARS['algorithm']})",
                field="algorithm",
            )
        return cls(**values)  # type: ignore[arg-type]
