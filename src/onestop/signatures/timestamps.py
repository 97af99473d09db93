"""RFC 3161 timestamp authority client, for CAdES-B-T and PAdES B-T signatures.

:func:`http_timestamper` returns a :data:`~onestop.signatures.cms.Timestamper` that sends a
``TimeStampReq`` (SHA-256 imprint, a random nonce, ``certReq`` true) to a TSA over HTTP
(``Content-Type: application/timestamp-query``, RFC 3161 §3.4) and returns the token after
checking the status, the nonce and the imprint. Vietnamese public CAs run such TSAs; the URL is
often in their certificates or documentation. Needs the ``http`` extra.
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING

from asn1crypto import tsp
from asn1crypto.parser import parse

from onestop._http import Peer, RetryPolicy, SyncHttp, status_error
from onestop.errors import ConfigurationError, SignatureError, UnexpectedResponseError
from onestop.signatures._extras import require
from onestop.signatures.cms import Timestamper

if TYPE_CHECKING:
    import httpx

__all__ = ["build_timestamp_request", "http_timestamper", "parse_timestamp_response"]

#: The time-stamp authority as the HTTP core names it in messages and logs.
_TSA = Peer("the TSA", logging.getLogger("onestop.signatures.timestamps"))

_HEADERS = {
    "Content-Type": "application/timestamp-query",
    "Accept": "application/timestamp-reply",
}

#: The largest time-stamp answer read by default (a token with its certificates is a few KiB).
_MAX_TOKEN_BYTES = 1024 * 1024


def build_timestamp_request(imprint: bytes, *, nonce: int) -> bytes:
    """DER ``TimeStampReq`` for a SHA-256 message imprint (RFC 3161 §2.4.1).

    Raises:
        SignatureError: when ``imprint`` is not 32 bytes.
    """
    if len(imprint) != 32:
        raise SignatureError(
            f"imprint: expected a 32-byte SHA-256 digest, got {len(imprint)} bytes",
            field="imprint",
        )
    request = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": imprint,
            },
            "nonce": nonce,
            "cert_req": True,
        }
    )
    der: bytes = request.dump()
    return der


def parse_timestamp_response(data: bytes, *, imprint: bytes, nonce: int | None) -> bytes:
    """Check a DER ``TimeStampResp`` and return its ``TimeStampToken`` (DER ContentInfo).

    Raises:
        UnexpectedResponseError: when the TSA refused (status not granted), or the token is for
            another imprint or nonce, or the answer is not a TimeStampResp.
    """
    try:
        # Read the status first: a refusal carries no token, which asn1crypto's
        # TimeStampResp (token not OPTIONAL there) cannot parse.
        _class, _method, _tag, _header, contents, _trailer = parse(bytes(data), strict=True)
        status_info = tsp.PKIStatusInfo.load(contents, strict=False)
        status = status_info["status"].native
        if status not in ("granted", "granted_with_mods"):
            raise UnexpectedResponseError(
                f"timestamp: the TSA refused the request (status {status})", field="tsa"
            )
        response = tsp.TimeStampResp.load(bytes(data), strict=True)
        token = response["time_stamp_token"]
        info = token["content"]["encap_content_info"]["content"].parsed
        got_imprint = info["message_imprint"]["hashed_message"].native
        got_nonce = info["nonce"].native
        der: bytes = token.dump()
    except UnexpectedResponseError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise UnexpectedResponseError(
            f"timestamp: the TSA's answer is not an RFC 3161 TimeStampResp ({type(exc).__name__})",
            field="tsa",
        ) from exc
    if got_imprint != imprint:
        raise UnexpectedResponseError(
            "timestamp: the token is for another message imprint", field="tsa"
        )
    if nonce is not None and got_nonce != nonce:
        raise UnexpectedResponseError("timestamp: the token's nonce does not match", field="tsa")
    return der


def http_timestamper(
    url: str,
    client: httpx.Client,
    *,
    timeout: float = 30.0,
    retry: RetryPolicy | None = None,
    max_response_bytes: int = _MAX_TOKEN_BYTES,
) -> Timestamper:
    """A :data:`~onestop.signatures.cms.Timestamper` over HTTP (RFC 3161 §3.4).

    The request goes through onestop's HTTP core, like the portal and remote signing calls:
    ``User-Agent: onestop/<version>``, a total deadline per call, a cap on the answer's size,
    the same typed error for an error status (e.g. 503 :class:`~onestop.errors.ServerError`)
    and the same retry rule (a time-stamp request may be repeated: each carries its own nonce).

    Args:
        url: the TSA endpoint.
        client: an ``httpx.Client`` (inject a transport in tests; set auth headers if the TSA
            requires them); borrowed, never closed here.
        timeout: total seconds of one request: connecting, sending, receiving the token.
        retry: bounds of retries (default :class:`~onestop.connectors.RetryPolicy`).
        max_response_bytes: the largest answer read (default 1 MiB: a token with its
            certificates is a few KiB).

    Raises:
        ConfigurationError: when ``url`` is empty or ``client`` is not an HTTP client.
        MissingExtraError: httpx (the ``http`` extra) is not installed.
        TransportError: (from the returned callable) when the TSA cannot be reached.
        APIStatusError: (from the returned callable) when the TSA answers an error status.
    """
    httpx = require("httpx", feature="RFC 3161 time-stamping over HTTP")

    if not url or not isinstance(url, str):
        raise ConfigurationError("url: expected the TSA's http(s) URL", field="url")
    given: object = client
    if not isinstance(given, httpx.Client):
        raise ConfigurationError(
            f"client: expected an httpx.Client, got {type(given).__name__}", field="client"
        )
    http = SyncHttp(
        _TSA,
        http_client=client,
        timeout=timeout,
        retry=retry,
        max_response_bytes=max_response_bytes,
        headers=_HEADERS,
    )

    def stamp(imprint: bytes) -> bytes:
        nonce = secrets.randbits(63)
        body = build_timestamp_request(imprint, nonce=nonce)

        def once(attempt: int) -> bytes:
            request = http.build("POST", url, content=body)
            response = http.send(request, label="timestamp", attempt=attempt)
            if response.status_code != 200:
                raise status_error(
                    response.status_code, where="timestamp", who=_TSA.who, headers=response.headers
                )
            return response.content

        content = http.retrying(once, idempotent=True, label="timestamp")
        return parse_timestamp_response(content, imprint=imprint, nonce=nonce)

    return stamp
