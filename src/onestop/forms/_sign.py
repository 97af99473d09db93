"""Who signs a form, and how: any signer :mod:`onestop.signatures` supports.

A :class:`FormSigner` holds the certificate and either a local private key or a hash signer
(a USB token, a remote signing service such as the NEAC-style
:class:`~onestop.signatures.RemoteSigningClient`). The form is signed with
:func:`onestop.signatures.sign_pdf` (PAdES B-B, or B-T with a timestamper) and, by default, a
visible stamp in Vietnamese ("Ký bởi", "Cơ quan", "Thời gian") drawn in the shipped font over
the issuing officer's signature block.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from onestop.errors import FormError
from onestop.forms._assets import font_file

if TYPE_CHECKING:
    from onestop.signatures.certificates import Certificate, PrivateKey
    from onestop.signatures.cms import HashSigner, Timestamper
    from onestop.signatures.remote import RemoteSigningClient

__all__ = ["STAMP_TEXT", "FormSigner", "as_form_signer", "sign_form"]

#: The visible stamp: the certificate's CN and O, and the signing time in Vietnam time.
STAMP_TEXT = "Ký bởi: {signer}\nCơ quan: {org}\nThời gian: {time}"


def _as_tuple(value: Iterable[Certificate]) -> tuple[Certificate, ...]:
    return tuple(value)


@attrs.frozen(slots=True)
class FormSigner:
    """A signer for forms: a certificate with a private key or a hash signer.

    Exactly one of ``key`` and ``signer`` is given.

    Attributes:
        certificate: the signer's certificate.
        key: a local RSA or EC private key.
        signer: a :data:`~onestop.signatures.HashSigner` (token, remote service).
        chain: intermediate certificates to embed.
        timestamper: an RFC 3161 timestamper for PAdES B-T (e.g.
            :func:`onestop.signatures.http_timestamper`); ``None`` for B-B.
        visible: draw the Vietnamese stamp over the signature block.
        location: the signature's ``/Location``; default the form's place name.
    """

    certificate: Certificate
    key: PrivateKey | None = None
    signer: HashSigner | None = None
    chain: tuple[Certificate, ...] = attrs.field(default=(), converter=_as_tuple)
    timestamper: Timestamper | None = None
    visible: bool = True
    location: str | None = None

    @classmethod
    def from_pkcs12(
        cls, data: bytes, *, password: bytes | str | None, **options: Any
    ) -> FormSigner:
        """A signer from a PKCS#12 file (``.p12``/``.pfx``) holding key, certificate and chain.

        Raises:
            CertificateError: a malformed file or a wrong password.
        """
        from onestop.signatures.certificates import load_pkcs12

        bundle = load_pkcs12(data, password=password)
        return cls(bundle.certificate, key=bundle.key, chain=bundle.chain, **options)

    @classmethod
    def from_pem(
        cls,
        *,
        key: bytes | str,
        certificate: bytes | str,
        chain: bytes | str | None = None,
        password: bytes | str | None = None,
        **options: Any,
    ) -> FormSigner:
        """A signer from PEM (or DER) key and certificate files' contents.

        Raises:
            CertificateError: a malformed key or certificate, or a wrong password.
        """
        from onestop.signatures.certificates import (
            load_certificate,
            load_certificates,
            load_private_key,
        )

        return cls(
            load_certificate(certificate, field="certificate"),
            key=load_private_key(key, password=password, field="key"),
            chain=load_certificates(chain, field="chain") if chain else (),
            **options,
        )

    @classmethod
    def remote(
        cls,
        client: RemoteSigningClient,
        *,
        user_id: str,
        serial_number: str | None = None,
        doc_id: str = "onestop",
        **options: Any,
    ) -> FormSigner:
        """A signer through a remote signing service: the user confirms in the CA's app.

        Args:
            client: the service client.
            user_id: the user as registered with the CA.
            serial_number: the certificate to use (default the user's first).
            doc_id: the label the user sees in the CA's app (e.g. the dossier code).
            **options: other :class:`FormSigner` fields (timestamper, visible, location).
        """
        remote = client.get_certificate(user_id, serial_number=serial_number)
        hash_signer = client.signer(
            user_id=user_id, serial_number=remote.serial_number, doc_id=doc_id
        )
        return cls(remote.certificate, signer=hash_signer, chain=remote.chain, **options)


def as_form_signer(value: object) -> FormSigner:
    """``value`` as a :class:`FormSigner`.

    Accepts a :class:`FormSigner`, or anything with ``certificate`` and ``key`` attributes
    (and optionally ``chain``), such as :class:`~onestop.signatures.KeyAndCertificates` from
    a PKCS#12 file or a test PKI's issued certificate.

    Raises:
        FormError: any other value.
    """
    if isinstance(value, FormSigner):
        return value
    certificate = getattr(value, "certificate", None)
    key = getattr(value, "key", None)
    if certificate is not None and key is not None:
        return FormSigner(certificate, key=key, chain=tuple(getattr(value, "chain", ()) or ()))
    raise FormError(
        f"sign: expected an onestop.forms.FormSigner (or an object with certificate and key, "
        f"such as a loaded PKCS#12 bundle), got {type(value).__name__}",
        field="sign",
    )


def sign_form(
    pdf: bytes,
    signer: FormSigner,
    *,
    page: int,
    box: tuple[float, float, float, float],
    reason: str,
    location: str,
) -> bytes:
    """Sign a drawn form (PAdES), with the stamp over ``box`` on ``page`` when visible.

    Raises:
        SignatureError: the key does not match the certificate, or signing failed.
        MissingExtraError: pyHanko (the ``pdf`` extra) is not installed.
    """
    from onestop.signatures.pdf import VisibleStamp, sign_pdf

    stamp = (
        VisibleStamp(page=page, box=box, text=STAMP_TEXT, font_file=str(font_file("regular")))
        if signer.visible
        else None
    )
    return sign_pdf(
        pdf,
        certificate=signer.certificate,
        key=signer.key,
        signer=signer.signer,
        chain=signer.chain,
        reason=reason,
        location=signer.location or location,
        stamp=stamp,
        timestamper=signer.timestamper,
    )
