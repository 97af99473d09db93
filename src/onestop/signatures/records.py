"""Signed records: a detached CMS signature over the canonical JSON of a receipt or result.

A department that sends a dossier receipt (phiếu tiếp nhận) or a result record to the portal
or to another agency keeps the signature; later it can prove the record it sent is unchanged,
whatever key order or whitespace the record travelled with. The canonical form follows the
JSON Canonicalization Scheme (RFC 8785): object members sorted by the UTF-16 code units of
their names, no insignificant whitespace, UTF-8, minimal string escaping, and numbers written
as ECMAScript does (shortest round-trip form, ``1e+21`` above 10^21).

Pydantic models (e.g. ``onestop.models`` records) are serialised with
``model_dump(mode="json")`` first, so dates become ISO 8601 strings.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from onestop.errors import InvalidInputError, SignatureError
from onestop.signatures.certificates import Certificate, PrivateKey
from onestop.signatures.cms import HashSigner, Timestamper, sign_bytes, verify_bytes
from onestop.signatures.status import SignatureStatus
from onestop.signatures.trust import RevocationPolicy, TrustInput

__all__ = ["SignedRecord", "canonical_json", "sign_record", "verify_record"]

_MAX_SAFE = 2**53 - 1  # integers beyond this are not exact in IEEE 754 (RFC 8785 §3.2.2.3)


def _number(value: float) -> str:
    """ECMAScript ``Number.prototype.toString`` for a finite float (RFC 8785 §3.2.2.3)."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    assert isinstance(exponent, int)  # noqa: S101 - finite by the caller's check
    exponent += len(digit_tuple) - len(digits)  # account for stripped zeros
    k = len(digits)
    n = exponent + k  # value = 0.digits x 10^n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        text = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + text


def _sort_key(name: str) -> bytes:
    return name.encode("utf-16-be", "surrogatepass")


def _write(value: Any, out: list[str], path: str) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, int):
        if abs(value) <= _MAX_SAFE:
            out.append(str(value))
        elif abs(value) < 2**1024 and Decimal(text := _number(float(value))) == value:
            out.append(text)  # the double's shortest form reads back as this very integer
        else:
            raise InvalidInputError(
                f"record{path}: integer beyond ±(2^53-1) that a JSON number (IEEE 754 "
                "double) cannot carry exactly; send it as a string",
                field="record",
            )
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInputError(
                f"record{path}: NaN and infinity are not JSON numbers", field="record"
            )
        out.append(_number(value))
    elif isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise InvalidInputError(
                    f"record{path}: object keys must be strings, got {type(key).__name__}",
                    field="record",
                )
        out.append("{")
        for index, key in enumerate(sorted(value, key=_sort_key)):
            if index:
                out.append(",")
            out.append(json.dumps(key, ensure_ascii=False))
            out.append(":")
            _write(value[key], out, f"{path}.{key}")
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out, f"{path}[{index}]")
        out.append("]")
    else:
        raise InvalidInputError(
            f"record{path}: {type(value).__name__} is not a JSON value; convert it first "
            "(pydantic models are converted with model_dump(mode='json'))",
            field="record",
        )


def _jsonable(record: Any) -> Any:
    dump = getattr(record, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    return record


def canonical_json(record: Any) -> bytes:
    """The canonical UTF-8 JSON bytes of a record (RFC 8785 style).

    Args:
        record: a JSON-compatible value (dict, list, str, int, float, bool, ``None``) or a
            pydantic model.

    Raises:
        InvalidInputError: for values JSON cannot carry exactly (NaN, huge integers,
            non-string keys, arbitrary objects), naming the path of the offending value.

    Example:
        >>> canonical_json({"b": 1, "a": [1.50, "Hà Nội"]}).decode()
        '{"a":[1.5,"Hà Nội"],"b":1}'
    """
    out: list[str] = []
    _write(_jsonable(record), out, "")
    try:
        return "".join(out).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInputError(
            "record: contains a lone surrogate character, which UTF-8 cannot encode",
            field="record",
        ) from exc


@attrs.frozen(slots=True)
class SignedRecord:
    """A record in canonical form with its detached CMS signature.

    Attributes:
        payload: the canonical JSON bytes that were signed.
        signature: the detached CMS signature (DER).
    """

    payload: bytes
    signature: bytes

    @property
    def record(self) -> Any:
        """The record, decoded from :attr:`payload`."""
        return json.loads(self.payload)

    def to_dict(self) -> dict[str, Any]:
        """A JSON envelope: ``{"record": ..., "signature": <base64 DER>}``."""
        return {"record": self.record, "signature": base64.b64encode(self.signature).decode()}

    @classmethod
    def from_dict(cls, envelope: Mapping[str, Any]) -> SignedRecord:
        """Read an envelope written by :meth:`to_dict` (the record is re-canonicalised).

        Raises:
            SignatureError: when the envelope lacks ``record``/``signature`` or the signature
                is not base64.
        """
        try:
            record = envelope["record"]
            signature = base64.b64decode(envelope["signature"], validate=True)
        except (KeyError, TypeError, binascii.Error) as exc:
            raise SignatureError(
                "envelope: expected {'record': ..., 'signature': '<base64 DER CMS>'}",
                field="envelope",
            ) from exc
        return cls(canonical_json(record), signature)


def sign_record(
    record: Any,
    *,
    certificate: Certificate,
    key: PrivateKey | None = None,
    signer: HashSigner | None = None,
    chain: Iterable[Certificate] = (),
    signing_time: dt.datetime | None = None,
    timestamper: Timestamper | None = None,
) -> SignedRecord:
    """Sign the canonical JSON of ``record`` (detached CMS, SHA-256).

    Raises:
        InvalidInputError: when the record is not canonicalisable.
    """
    payload = canonical_json(record)
    signature = sign_bytes(
        payload,
        certificate=certificate,
        key=key,
        signer=signer,
        chain=chain,
        signing_time=signing_time,
        timestamper=timestamper,
    )
    return SignedRecord(payload, signature)


def verify_record(
    record: Any,
    signature: bytes | None = None,
    *,
    trust: TrustInput = None,
    at: dt.datetime | None = None,
    certificates: Iterable[Certificate] = (),
    revocation: RevocationPolicy | None = None,
) -> SignatureStatus:
    """Verify a record against its detached signature (key order and whitespace ignored).

    Args:
        record: the record (dict or pydantic model), or a :class:`SignedRecord` (then its
            own signature is used unless ``signature`` is given).
        signature: the detached CMS signature (DER).
        trust: trust anchors.
        at: validation time (default: timestamp time, else now).
        certificates: extra certificates.
        revocation: revocation policy.

    Raises:
        SignatureError: for a malformed signature.
        InvalidInputError: when the record is not canonicalisable.
    """
    if isinstance(record, SignedRecord):
        payload = canonical_json(record.record)
        signature = record.signature if signature is None else signature
    else:
        payload = canonical_json(record)
    if signature is None:
        raise SignatureError("signature: no signature was given", field="signature")
    return verify_bytes(
        payload,
        signature,
        trust=trust,
        at=at,
        certificates=certificates,
        revocation=revocation,
    )
