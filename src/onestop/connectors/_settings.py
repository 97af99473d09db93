"""Connection settings of the portal, from code or from ``ONESTOP_PORTAL_*`` environment variables.

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

__all__ = ["DEFAULT_MAX_RESPONSE_BYTES", "ENV_VARS", "PortalSettings"]

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
        env = os.environ if environ is None else environ
        values: dict[str, str | float | int | None] = {}
        for attr, var in ENV_VARS.items():
            given = overrides.get(attr)
            if given is not None:
                values[attr] = given
            elif env.get(var):
                values[attr] = env[var]
        unknown = set(overrides) - set(ENV_VARS)
        if unknown:
            raise ConfigurationError(
                f"settings: unknown option(s) {sorted(unknown)}; expected {sorted(ENV_VARS)}",
                field=sorted(unknown)[0],
            )
        for attr in ("base_url", "unit_code"):
            if not values.get(attr):
                raise ConfigurationError(
                    f"{attr}: missing; set {ENV_VARS[attr]} or pass it explicitly", field=attr
                )
        mode = str(values.get("auth_mode", "adapter")).lower()
        if mode not in ("adapter", "gateway"):
            raise ConfigurationError(
                f"auth_mode: {mode!r} is not supported; expected 'adapter' or 'gateway' "
                f"({ENV_VARS['auth_mode']})",
                field="auth_mode",
            )
        values["auth_mode"] = mode
        if "timeout" in values:
            try:
                values["timeout"] = float(values["timeout"])  # type: ignore[arg-type]
            except ValueError:
                raise ConfigurationError(
                    f"timeout: expected seconds as a number ({ENV_VARS['timeout']})",
                    field="timeout",
                ) from None
        given = values.get("max_response_bytes")
        if isinstance(given, str):
            if not given.strip().isdigit():
                raise ConfigurationError(
                    "max_response_bytes: expected a whole number of bytes "
                    f"({ENV_VARS['max_response_bytes']})",
                    field="max_response_bytes",
                )
            values["max_response_bytes"] = int(given.strip())
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
