"""Fixtures for the web tests: one certificate chain per module, signed requests."""

from __future__ import annotations

import pytest
from certs import CERT_URL, NOW, FakeFetch, _body, _ca_cert, _key, _leaf_cert, _pem, _sign
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from skill.web.verify import Verifier


@pytest.fixture(scope="module")
def keys() -> dict[str, rsa.RSAPrivateKey]:
    return {name: _key() for name in ("root", "intermediate", "leaf", "other")}


@pytest.fixture(scope="module")
def root(keys) -> x509.Certificate:
    return _ca_cert("Test Root CA", keys["root"])


@pytest.fixture(scope="module")
def intermediate(keys, root) -> x509.Certificate:
    return _ca_cert("Test Intermediate CA", keys["intermediate"], root, keys["root"])


@pytest.fixture(scope="module")
def leaf(keys, intermediate) -> x509.Certificate:
    return _leaf_cert(keys["leaf"], intermediate, keys["intermediate"])


@pytest.fixture
def fetch(leaf, intermediate) -> FakeFetch:
    return FakeFetch(_pem(leaf, intermediate))


@pytest.fixture
def make_verifier(root, fetch):
    def make(**overrides) -> Verifier:
        options = {"trust_roots": [root], "fetch": fetch, "clock": lambda: NOW}
        options.update(overrides)
        return Verifier(**options)

    return make


@pytest.fixture
def signed(keys):
    """Headers and body for a request signed by the leaf key."""

    def make(body: bytes | None = None, url: str = CERT_URL, key=None):
        body = _body() if body is None else body
        headers = {
            "SignatureCertChainUrl": url,
            "Signature-256": _sign(key or keys["leaf"], body),
        }
        return headers, body

    return make
