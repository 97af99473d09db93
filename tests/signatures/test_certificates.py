"""Certificates: loading, Vietnamese subject fields, usages, malformed input."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.vn import mst

from onestop.errors import CertificateError, InvalidInputError, SignatureError
from onestop.signatures import (
    IdentifierKind,
    load_certificate,
    load_certificates,
    load_pkcs12,
    load_private_key,
    parse_identifier,
    read_certificates,
    verify_bytes,
)
from onestop.signatures.certificates import UID_OID


def test_person_subject_fields(test_pki):
    cert = test_pki.signer.certificate
    subject = cert.subject
    assert subject.common_name == "Nguyễn Văn Thử"
    assert subject.organization == "UBND Phường Thử Nghiệm"
    assert subject.organizational_unit == ("Bộ phận Một cửa",)
    assert subject.title == "Chuyên viên"
    assert subject.locality == "Quận Ba Đình"
    assert subject.state == "Hà Nội"
    assert subject.country == "VN"
    assert subject.uids == ("MST:0109999904", "CCCD:001090012345")
    kinds = [i.kind for i in subject.identifiers]
    assert kinds == [IdentifierKind.TAX_CODE, IdentifierKind.CITIZEN_ID]
    identity = cert.identity
    assert identity.tax_code == "0109999904"
    assert identity.citizen_id == "001090012345"
    assert (
        identity.issuer
        == "CN=onestop Test Issuing CA G1,O=Tổ chức chứng thực thử nghiệm onestop,C=VN"
    )
    assert identity.serial_number == format(cert.x509.serial_number, "X")
    assert "UID=MST:0109999904" in subject.rfc4514


def test_uid_is_utf8string_as_vietnamese_cas_write_it(test_pki):
    """Vietnamese CAs write the UID attribute as a UTF8String (tag 0x0C) holding 'MST:…'."""
    parsed = asn1_x509.Certificate.load(test_pki.signer.certificate.to_der())
    uid_values = [
        atv["value"]
        for rdn in parsed.subject.chosen
        for atv in rdn
        if atv["type"].dotted == UID_OID
    ]
    assert [v.chosen.tag for v in uid_values] == [12, 12]
    assert [v.native for v in uid_values] == ["MST:0109999904", "CCCD:001090012345"]


def test_fixture_tax_codes_are_checksum_valid_per_stdnum(test_pki):
    for issued in (test_pki.signer, test_pki.organization):
        for ident in issued.certificate.subject.identifiers:
            if ident.kind is IdentifierKind.TAX_CODE:
                assert mst.is_valid(ident.value)


def test_organization_branch_tax_code(test_pki):
    identity = test_pki.organization.certificate.identity
    assert identity.tax_code == "0312345602-001"
    assert identity.citizen_id is None


@pytest.mark.parametrize(
    ("raw", "kind", "prefix", "value"),
    [
        ("MST:0102005769", IdentifierKind.TAX_CODE, "MST", "0102005769"),
        ("MST:0301519977-029", IdentifierKind.TAX_CODE, "MST", "0301519977-029"),
        ("mst : 0102005769", IdentifierKind.TAX_CODE, "mst", "0102005769"),
        ("CMND:012345678", IdentifierKind.PEOPLE_ID, "CMND", "012345678"),
        ("CMT:012345678", IdentifierKind.PEOPLE_ID, "CMT", "012345678"),
        ("CCCD:001090012345", IdentifierKind.CITIZEN_ID, "CCCD", "001090012345"),
        ("HC:B1234567", IdentifierKind.PASSPORT, "HC", "B1234567"),
        ("MNS:1234567", IdentifierKind.OTHER, "MNS", "1234567"),
        ("0102005769", IdentifierKind.OTHER, "", "0102005769"),
    ],
)
def test_parse_identifier(raw, kind, prefix, value):
    ident = parse_identifier(raw)
    assert (ident.kind, ident.prefix, ident.value) == (kind, prefix, value)


@given(st.text(max_size=60))
@settings(max_examples=200, deadline=None)
def test_parse_identifier_never_fails_and_keeps_the_value(raw):
    ident = parse_identifier(raw)
    assert ident.value in raw
    if ":" in raw:
        assert ident.prefix == raw.partition(":")[0].strip()


def test_usages(test_pki):
    signer = test_pki.signer.certificate
    assert signer.key_usage == {"digital_signature", "content_commitment"}
    assert signer.extended_key_usage == {"1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.2"}
    assert not signer.is_ca
    assert test_pki.intermediate.certificate.is_ca
    assert test_pki.intermediate.certificate.path_length == 0
    assert test_pki.tsa.certificate.extended_key_usage == {"1.3.6.1.5.5.7.3.8"}
    assert signer.crl_urls == ("http://crl.onestop-test.invalid/intermediate.crl",)
    assert signer.ocsp_urls == ("http://ocsp.onestop-test.invalid/",)


def test_validity(test_pki):
    cert = test_pki.signer.certificate
    assert cert.validity_at(cert.not_before) == "valid"
    assert cert.validity_at(cert.not_after) == "valid"
    assert cert.validity_at(cert.not_after + dt.timedelta(seconds=1)) == "expired"
    assert cert.validity_at(cert.not_before - dt.timedelta(seconds=1)) == "not_yet_valid"
    # the one aware check of onestop.tz
    with pytest.raises(InvalidInputError, match="naive"):
        cert.validity_at(dt.datetime(2025, 1, 1))


def test_pem_der_and_bundles_round_trip(test_pki, tmp_path):
    signer = test_pki.signer
    cert = signer.certificate
    assert load_certificate(cert.to_der()) == cert
    assert load_certificate(cert.to_pem()) == cert
    assert load_certificate(cert.to_pem().decode()) == cert
    bundle = signer.cert_pem() + signer.chain_pem()
    assert load_certificates(bundle) == (cert, *signer.chain)
    path = tmp_path / "bundle.pem"
    path.write_bytes(bundle)
    assert read_certificates(path) == (cert, *signer.chain)


def test_pkcs12_and_encrypted_keys(test_pki):
    signer = test_pki.signer
    p12 = pkcs12.serialize_key_and_certificates(
        b"signer",
        signer.key,
        signer.certificate.x509,
        [c.x509 for c in signer.chain],
        serialization.BestAvailableEncryption(b"matkhau"),
    )
    loaded = load_pkcs12(p12, password="matkhau")
    assert loaded.certificate == signer.certificate
    assert loaded.chain == signer.chain
    with pytest.raises(CertificateError, match="pkcs12"):
        load_pkcs12(p12, password="sai")
    encrypted = signer.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"matkhau"),
    )
    key = load_private_key(encrypted, password=b"matkhau")
    assert key.public_key() == signer.key.public_key()
    with pytest.raises(CertificateError, match="key"):
        load_private_key(encrypted, password=b"sai")
    with pytest.raises(CertificateError):
        load_private_key(b"not a key")


def test_missing_file_is_a_typed_error(tmp_path):
    with pytest.raises(CertificateError, match="cannot read") as info:
        read_certificates(tmp_path / "missing.pem", field="trust")
    assert info.value.field == "trust"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"garbage",
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        b"-----BEGIN CERTIFICATE-----\n",
    ],
)
def test_garbled_certificates_raise_certificate_error(data):
    with pytest.raises(CertificateError) as info:
        load_certificates(data, field="cert")
    assert info.value.field == "cert"
    assert "cert:" in str(info.value)


def test_truncated_der_raises(test_pki):
    der = test_pki.signer.certificate.to_der()
    for cut in (1, 10, len(der) // 2, len(der) - 1):
        with pytest.raises(CertificateError):
            load_certificate(der[:cut])


@given(st.binary(max_size=400))
@settings(max_examples=150, deadline=None)
def test_fuzz_certificate_loader_raises_only_certificate_error(data):
    with contextlib.suppress(CertificateError):
        load_certificates(data)


@given(st.data())
@settings(max_examples=80, deadline=None)
def test_fuzz_mutated_der_certificate(test_pki, data):
    der = bytearray(test_pki.signer.certificate.to_der())
    index = data.draw(st.integers(0, len(der) - 1))
    der[index] ^= data.draw(st.integers(1, 255))
    try:
        cert = load_certificate(bytes(der))
    except CertificateError:
        return
    # A mutation that still parses must not keep the original fingerprint.
    assert cert.fingerprint_sha256 != test_pki.signer.certificate.fingerprint_sha256
    # Every accessor either works or raises CertificateError (extensions decode lazily).
    with contextlib.suppress(CertificateError):
        _ = (cert.identity.to_dict(), cert.key_usage, cert.extended_key_usage, cert.is_ca)
        _ = (cert.path_length, cert.crl_urls, cert.ocsp_urls, cert.subject_key_identifier)


def test_duplicate_extension_is_a_certificate_error(test_pki):
    """cryptography's DuplicateExtension is not a ValueError; it must still be typed."""
    der = bytearray(test_pki.signer.certificate.to_der())
    # Turn the extendedKeyUsage OID (2.5.29.37) into a second keyUsage (2.5.29.15).
    eku_oid = bytes.fromhex("0603551d25")
    index = der.index(eku_oid)
    der[index + 4] = 0x0F
    cert = load_certificate(bytes(der))  # the outer structure still parses
    with pytest.raises(CertificateError, match="cannot be decoded") as info:
        _ = cert.key_usage
    assert info.value.field == "certificate"


def test_identifiers_are_parsed_into_the_models_when_they_fit():
    from onestop.models import CitizenId, TaxCode

    assert isinstance(parse_identifier("MST:0109999904").parsed, TaxCode)
    assert isinstance(parse_identifier("MST:0312345602-001").parsed, TaxCode)
    assert isinstance(parse_identifier("CCCD:001090012345").parsed, CitizenId)
    bad = parse_identifier("MST:0109999905")  # wrong check digit: raw value kept
    assert bad.parsed is None and bad.value == "0109999905"


def test_cmnd_values_parse_into_the_fitting_model():
    from onestop.models import CitizenId, LegacyId

    nine = parse_identifier("CMND:012345678")
    assert isinstance(nine.parsed, LegacyId) and nine.parsed == LegacyId("012345678")
    twelve = parse_identifier("CMND:001090012345")
    assert isinstance(twelve.parsed, CitizenId)
    assert parse_identifier("CMND:01234567").parsed is None  # 8 digits: no model fits
    assert parse_identifier("CMND:01234567X").parsed is None


@pytest.mark.parametrize("string_type", ["UTF8String", "PrintableString", "IA5String"])
def test_uid_string_types_and_several_uids(test_pki, string_type):
    """Older CA certificates write the UID as PrintableString/IA5String; all must read alike."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.name import _ASN1Type
    from cryptography.x509.oid import NameOID

    kind = getattr(_ASN1Type, string_type)
    subject = x509.Name(
        [
            x509.RelativeDistinguishedName(
                [x509.NameAttribute(NameOID.USER_ID, "MST:0102005769", _type=kind)]
            ),
            x509.RelativeDistinguishedName(
                [x509.NameAttribute(NameOID.USER_ID, "CMND:012345678", _type=kind)]
            ),
            x509.RelativeDistinguishedName(
                [x509.NameAttribute(NameOID.COMMON_NAME, "CONG TY TNHH THU NGHIEM")]
            ),
            x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]),
        ]
    )
    inter = test_pki.intermediate
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(inter.certificate.x509.subject)
        .public_key(test_pki.signer.key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(test_pki.now)
        .not_valid_after(test_pki.now + dt.timedelta(days=1))
        .sign(inter.key, hashes.SHA256())
    )
    from cryptography.hazmat.primitives.serialization import Encoding

    loaded = load_certificate(cert.public_bytes(Encoding.DER))
    assert loaded.subject.uids == ("MST:0102005769", "CMND:012345678")
    assert loaded.identity.tax_code == "0102005769"
    assert loaded.identity.citizen_id == "012345678"
    assert loaded.key_usage is None and loaded.extended_key_usage is None


_PEM_LABELS = ["CERTIFICATE", "PKCS7", "PRIVATE KEY", "EC PRIVATE KEY", "X509 CRL", "JUNK"]


@given(
    label=st.sampled_from(_PEM_LABELS),
    body=st.binary(max_size=300),
    wrap=st.integers(1, 80),
    text=st.booleans(),
)
@settings(max_examples=150, deadline=None)
def test_fuzz_pem_armour(label, body, wrap, text):
    """PEM blocks with any label and any base64 body: loaders raise only typed errors."""
    import base64

    b64 = base64.b64encode(body).decode()
    lines = "\n".join(b64[i : i + wrap] for i in range(0, len(b64), wrap))
    pem = f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----\n"
    data = pem if text else pem.encode()
    with contextlib.suppress(CertificateError):
        load_certificates(data)
    with contextlib.suppress(CertificateError, SignatureError):
        load_private_key(data)
    with contextlib.suppress(SignatureError):
        status = verify_bytes(b"x", data)
        assert not status.valid


def test_malformed_name_is_a_certificate_error_not_a_warning(test_pki):
    """cryptography reads a country name longer than 2 characters with a UserWarning only."""
    import warnings

    # The issuer's commonName (2.5.4.3) becomes a countryName (2.5.4.6) of 26 characters.
    der = test_pki.signer.certificate.to_der()
    bad = der.replace(bytes.fromhex("0603550403"), bytes.fromhex("0603550406"), 1)
    pem = b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(bad)
    pem += b"-----END CERTIFICATE-----\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for data in (bad, pem):
            with pytest.raises(CertificateError, match="Attribute's length") as info:
                load_certificates(data, field="chain")
            assert info.value.field == "chain"
