"""Signed records: RFC 8785 canonical JSON (golden + cross-check with ``rfc8785``) and signing."""

from __future__ import annotations

import datetime as dt
import json
import struct

import pydantic
import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.errors import InvalidInputError, SignatureError
from onestop.signatures import ProblemCode
from onestop.signatures.records import SignedRecord, canonical_json, sign_record, verify_record

# RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical serialisation.
RFC8785_NUMBERS = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "expected"), RFC8785_NUMBERS)
def test_rfc8785_number_vectors(bits, expected):
    value = struct.unpack(">d", bytes.fromhex(bits))[0]
    assert canonical_json(value).decode() == expected


def test_rfc8785_section_3_2_3_example():
    text = (
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonical_json(json.loads(text)).decode() == expected


def test_large_exact_integers_are_written_as_doubles():
    assert canonical_json(10**21) == b"1e+21"
    assert canonical_json(2**53) == b"9007199254740992"


def test_utf16_key_order():
    """RFC 8785 §3.2.3: keys sort by UTF-16 code units (an emoji sorts before U+FB33)."""
    record = {"\u20ac": 1, "\r": 2, "\ufb33": 3, "1": 4, "\U0001f600": 5, "\u0080": 6, "\u00f6": 7}
    assert canonical_json(record) == rfc8785.dumps(record)
    keys = list(json.loads(canonical_json(record)))
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(JSON)
@settings(max_examples=150, deadline=None)
def test_matches_the_rfc8785_reference_library(value):
    assert canonical_json(value) == rfc8785.dumps(value)


@given(JSON)
@settings(max_examples=50, deadline=None)
def test_round_trip_is_a_fixed_point(value):
    once = canonical_json(value)
    assert canonical_json(json.loads(once)) == once


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ({"a": float("nan")}, "record.a"),
        ({"a": [1, 2**60 + 1]}, "record.a[1]"),
        ({1: "x"}, "record"),
        ({"t": dt.date(2025, 1, 1)}, "record.t"),
    ],
)
def test_bad_records(value, where):
    with pytest.raises(InvalidInputError) as info:
        canonical_json(value)
    assert info.value.field == "record"
    assert str(info.value).startswith(where + ":")


class Receipt(pydantic.BaseModel):
    ma_ho_so: str
    nhan_luc: dt.datetime
    phi: int


RECEIPT = {
    "ma_ho_so": "000.00.01.H56-250301-0001",
    "thu_tuc": "1.001234.000.00.00.H56",
    "nguoi_nop": {"ho_ten": "Nguyễn Văn Thử", "so_giay_to": "001090012345"},
    "ngay_hen_tra": "2025-03-10T17:00:00+07:00",
    "phi": 50000,
}


def test_sign_and_verify_record(test_pki):
    s = test_pki.signer
    signed = sign_record(RECEIPT, certificate=s.certificate, key=s.key, chain=s.chain)
    assert signed.payload == canonical_json(RECEIPT)
    # Same record, other key order and whitespace: still valid.
    reordered = json.loads(json.dumps(dict(reversed(RECEIPT.items())), indent=4))
    assert verify_record(reordered, signed.signature, trust=test_pki.trust_store()).valid
    changed = {**RECEIPT, "phi": 500000}
    status = verify_record(changed, signed.signature, trust=test_pki.trust_store())
    assert status.problem_codes == (ProblemCode.TAMPERED,)
    envelope = json.loads(json.dumps(signed.to_dict()))
    again = SignedRecord.from_dict(envelope)
    assert again == signed
    assert verify_record(again, trust=test_pki.trust_store()).valid


def test_pydantic_models_are_dumped_as_json(test_pki):
    s = test_pki.signer
    receipt = Receipt(
        ma_ho_so="000.00.01.H56-250301-0001",
        nhan_luc=dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
        phi=0,
    )
    assert canonical_json(receipt) == (
        b'{"ma_ho_so":"000.00.01.H56-250301-0001","nhan_luc":"2025-03-01T08:00:00+07:00","phi":0}'
    )
    signed = sign_record(receipt, certificate=s.certificate, key=s.key, chain=s.chain)
    assert verify_record(
        receipt.model_dump(mode="json"), signed.signature, trust=test_pki.trust_store()
    ).valid


def test_bad_envelopes():
    with pytest.raises(SignatureError):
        SignedRecord.from_dict({"record": {}})
    with pytest.raises(SignatureError):
        SignedRecord.from_dict({"record": {}, "signature": "***"})
    with pytest.raises(SignatureError, match="no signature"):
        verify_record({"a": 1})


@pytest.mark.parametrize("seed", [0, 7, 42])
def test_onestop_dossier_records_sign_and_verify(test_pki, seed):
    """A real ``onestop.models.Dossier`` (the receipt/result record a department sends)."""
    from onestop.models import Dossier
    from onestop.testing import make_dossier

    s = test_pki.signer
    trust = test_pki.trust_store()
    dossier = make_dossier(seed)
    signed = sign_record(dossier, certificate=s.certificate, key=s.key, chain=s.chain)
    # The receiver gets JSON (any key order), rebuilds the model, and checks it.
    wire = json.dumps(dict(reversed(dossier.model_dump(mode="json").items())), indent=2)
    received = Dossier.model_validate_json(wire)
    status = verify_record(received, signed.signature, trust=trust)
    assert status.valid and status.signer.tax_code == "0109999904"
    # Another dossier (or this one with a changed field) does not verify.
    other = make_dossier(seed + 1)
    assert verify_record(other, signed.signature, trust=trust).problem_codes == (
        ProblemCode.TAMPERED,
    )
