"""A throwaway certificate authority shaped like Alexa's, for signing load-test requests.

root -> intermediate -> leaf for echo-api.amazon.com, as Amazon's chain is. The server
under test is not the production one: the load test builds its own app whose verifier
trusts this root only and answers every chain download with this chain
(`verifier_trusting`), and serves it with the production serving code. No setting of the
production server (`python -m skill serve`) makes it trust another CA.
Nothing here touches the network.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# Any URL of this form passes the URL check; the test chain file answers the fetch.
CERT_URL = "https://s3.amazonaws.com/echo.api/test.pem"
ALEXA_DNS_NAME = "echo-api.amazon.com"
# The files make_test_ca writes in its folder.
ROOT_PEM = "test-root-ca.pem"
CHAIN_PEM = "test-chain.pem"


def _key() -> rsa.RSAPrivateKey:
    # 2048 bits, as Amazon's signing key: the server's verify cost stays realistic.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _usage(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca, content_commitment=False, key_encipherment=not ca,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False,
    )


def _certificate(subject, key, issuer_name, issuer_key, *, ca, days, extra=()):
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(_usage(ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer_key.public_key()), critical=False)
    )
    for extension in extra:
        builder = builder.add_extension(extension, critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(*certs: x509.Certificate) -> bytes:
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)


@dataclass
class TestCA:
    """The files the server needs, and the key that signs request bodies."""

    __test__ = False  # not a pytest test class, whatever the name suggests

    root_pem: Path   # the root, the only CA the test server trusts
    chain_pem: Path  # leaf then intermediate: every chain "download" answers this
    leaf_key: rsa.RSAPrivateKey
    cert_url: str = CERT_URL

    def sign(self, body: bytes) -> str:
        """The Signature-256 header value: RSA PKCS#1 v1.5 over SHA-256 of the raw body."""
        raw = self.leaf_key.sign(body, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(raw).decode()

    def headers(self, body: bytes) -> dict[str, str]:
        return {"SignatureCertChainUrl": self.cert_url, "Signature-256": self.sign(body)}


def make_test_ca(directory: Path) -> TestCA:
    """Create a root, an intermediate and an echo-api.amazon.com leaf; write the PEM files."""
    directory = Path(directory)
    root_key, intermediate_key, leaf_key = _key(), _key(), _key()
    root = _certificate("Load Test Root CA", root_key, _name("Load Test Root CA"), root_key,
                        ca=True, days=30)
    intermediate = _certificate("Load Test Intermediate CA", intermediate_key, root.subject,
                                root_key, ca=True, days=30)
    leaf = _certificate(
        ALEXA_DNS_NAME, leaf_key, intermediate.subject, intermediate_key, ca=False, days=7,
        extra=(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
               x509.SubjectAlternativeName([x509.DNSName(ALEXA_DNS_NAME)])),
    )
    root_pem, chain_pem = directory / ROOT_PEM, directory / CHAIN_PEM
    root_pem.write_bytes(_pem(root))
    chain_pem.write_bytes(_pem(leaf, intermediate))
    return TestCA(root_pem=root_pem, chain_pem=chain_pem, leaf_key=leaf_key)


def verifier_trusting(root_pem: Path, chain_pem: Path, **options):
    """A request verifier for the test server: it trusts the root in `root_pem` and nothing
    else, and answers every certificate chain URL (that passes the URL check) with
    `chain_pem` instead of downloading it. `options` go to Verifier (skill_id=...)."""
    from skill.web.verify import Verifier

    roots = x509.load_pem_x509_certificates(Path(root_pem).read_bytes())
    chain = Path(chain_pem).read_bytes()
    x509.load_pem_x509_certificates(chain)  # fail at start-up, not on the first request

    def fetch(url: str) -> bytes:
        return chain

    return Verifier(trust_roots=roots, fetch=fetch, **options)
