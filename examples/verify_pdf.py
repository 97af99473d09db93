"""Verify a signed PDF: sign one with the throwaway test PKI first, then check it.

Run: python3 examples/verify_pdf.py
Needs: pip install 'onestop-vn[pdf]'  (pyHanko, cryptography)

In production the PDF comes from a citizen or another agency, and the trust anchors are the
roots you accept (the NEAC root, the Government CA): ``TrustStore.from_files("neac.pem")``.
Here ``onestop.testing.build_test_pki()`` makes a root, an issuing CA and signers in memory
(all names and numbers fictitious), so the example needs no key on disk.
"""

from __future__ import annotations

from onestop.signatures import ProblemCode, TrustStore, sign_pdf, verify_pdf
from onestop.testing import build_test_pki, make_test_pdf

pki = build_test_pki()
org = pki.organization  # an agency's certificate: MST 0312345602-001 in its UID
trust = TrustStore.of(pki.root.certificate)

# 1. The agency signs a result document (PAdES B-T: with a timestamp from the test TSA).
result_pdf = make_test_pdf("Giấy chứng nhận đăng ký hộ kinh doanh")
signed = sign_pdf(
    result_pdf,
    certificate=org.certificate,
    key=org.key,
    chain=org.chain,
    reason="Phê duyệt kết quả giải quyết TTHC",
    timestamper=pki.timestamper(),
)

# 2. Whoever receives it verifies it: one status per signature, never a bare boolean.
(status,) = verify_pdf(signed, trust=trust)
print(status.summary())
print("signer MST:", status.signer.tax_code, "| timestamped:", status.timestamp_time is not None)
assert status.valid and status.intact and status.trusted

# 3. One byte changed inside the signed range (here in the header's comment line, which every
#    reader skips): the document still opens, but no longer matches what was signed.
tampered = bytearray(signed)
tampered[signed.index(b"\n") + 2] ^= 0x01
(broken,) = verify_pdf(bytes(tampered), trust=trust)
print(broken.summary(), [p.value for p in broken.problem_codes])
assert not broken.valid

# 4. Signed with a certificate that had expired: intact, but not valid, and it says why.
citizen = pki.expired
theirs = sign_pdf(result_pdf, certificate=citizen.certificate, key=citizen.key, chain=citizen.chain)
(expired,) = verify_pdf(theirs, trust=trust)
print(expired.summary())
assert expired.intact and expired.problem_codes == (ProblemCode.EXPIRED,)

# 5. The same status as JSON, as `onestop verify FILE.pdf --trust ROOT.pem --json` prints it.
print(sorted(status.to_dict()))
