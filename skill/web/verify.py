"""Verification of incoming Alexa requests for a self-hosted skill endpoint.

Implements the checks Amazon requires from web services hosting custom skills:
certificate URL, certificate chain, request signature, timestamp and skill id.
Written against ``cryptography`` directly because the ask-sdk web-service
verifiers cannot be imported here (their certvalidator/oscrypto dependency
fails on current OpenSSL version strings).
"""

from __future__ import annotations

import base64
import binascii
import json
import posixpath
import re
import threading
import urllib.request
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache, cached_property
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import DNSName, PolicyBuilder, Store

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
ALEXA_CERT_DNS_NAME = "echo-api.amazon.com"

TIMESTAMP_TOLERANCE = timedelta(seconds=150)
# Skill events (enable/disable, permission changes) may be delivered late.
SKILL_EVENT_TIMESTAMP_TOLERANCE = timedelta(hours=1)

FETCH_TIMEOUT_SECONDS = 5
# Amazon's chain is a few KiB; the cap stops a hostile URL from streaming forever.
MAX_CHAIN_BYTES = 64 * 1024
CHAIN_CACHE_SIZE = 16

_HIDDEN_SEPARATOR = re.compile(r"%(2e|2f|5c)", re.IGNORECASE)
_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)


class VerificationError(Exception):
    """The request failed one of the checks; the message names which one."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def fetch_url(url: str) -> bytes:
    """Download a certificate chain with a short timeout and a size cap."""
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as response:
            data = response.read(MAX_CHAIN_BYTES + 1)
    except OSError as exc:  # URLError, timeouts and socket errors are all OSErrors
        raise VerificationError(f"could not fetch certificate chain: {exc}") from exc
    if len(data) > MAX_CHAIN_BYTES:
        raise VerificationError("certificate chain is too large")
    return data


@cache
def default_trust_roots() -> list[x509.Certificate]:
    """Root CAs from the certifi bundle, parsed once per process."""
    with open(certifi.where(), "rb") as bundle:
        pem = bundle.read()
    roots = []
    # Parse one by one so a single malformed bundle entry cannot break verification.
    for block in _PEM_CERT.findall(pem):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    return roots


def normalize_cert_url(url: str | None) -> str:
    """Return the canonical chain URL, or raise if it is not one Amazon would use."""
    if not url:
        raise VerificationError(f"missing {CERT_URL_HEADER} header")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise VerificationError(f"malformed certificate URL: {url!r}") from exc
    if parts.scheme.lower() != "https":
        raise VerificationError(f"certificate URL must use https: {url!r}")
    if parts.hostname != "s3.amazonaws.com" or parts.username or parts.password:
        raise VerificationError(f"certificate URL has wrong host: {url!r}")
    if port is not None and port != 443:
        raise VerificationError(f"certificate URL has wrong port: {url!r}")
    # Escaped dots, slashes and backslashes can only hide a way out of /echo.api/.
    if _HIDDEN_SEPARATOR.search(parts.path) or "\\" in parts.path:
        raise VerificationError(f"certificate URL hides a path separator: {url!r}")
    # Decode the other escapes once, then resolve "." and ".." so "/echo.api/../x"
    # cannot escape the prefix.
    path = unquote(parts.path)
    if "%" in path:  # escaped twice: a server decoding again would see new separators
        raise VerificationError(f"certificate URL is escaped twice: {url!r}")
    path = posixpath.normpath(path) if path else ""
    if not path.startswith("/echo.api/"):
        raise VerificationError(f"certificate URL has wrong path: {url!r}")
    return urlunsplit(("https", "s3.amazonaws.com", quote(path), parts.query, ""))


class _Chain:
    """A parsed certificate chain, and the span of time in which it was found trusted."""

    def __init__(self, certificates: list[x509.Certificate]) -> None:
        self.leaf, *self.intermediates = certificates
        self.trusted: tuple[datetime, datetime] | None = None  # set as one tuple: thread-safe

    def trusted_at(self, now: datetime) -> bool:
        trusted = self.trusted
        return trusted is not None and trusted[0] <= now <= trusted[1]


class _ChainCache:
    """Small thread-safe cache of parsed chains, keyed by URL, oldest evicted first."""

    def __init__(self, max_size: int = CHAIN_CACHE_SIZE) -> None:
        self._max_size = max_size
        self._items: dict[str, _Chain] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> _Chain | None:
        with self._lock:
            return self._items.get(url)

    def put(self, url: str, chain: _Chain) -> None:
        with self._lock:
            self._items.pop(url, None)
            while len(self._items) >= self._max_size:
                del self._items[next(iter(self._items))]
            self._items[url] = chain


def _header(headers: Mapping[str, str], name: str) -> str | None:
    # Plain dicts are case-sensitive while HTTP header names are not.
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def _parse_timestamp(value: Any) -> datetime:
    if not isinstance(value, str):
        raise VerificationError("request timestamp is missing")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise VerificationError(f"request timestamp is malformed: {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _application_id(envelope: dict) -> str | None:
    for path in (("context", "System", "application"), ("session", "application")):
        node: Any = envelope
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and node.get("applicationId"):
            return node["applicationId"]
    return None


@dataclass
class Verifier:
    """Checks that a request really comes from Alexa and is meant for this skill."""

    skill_id: str | None = None
    verify_signature: bool = True  # like ASK_SDK_VERIFY_SIGNATURE: URL, chain and signature
    verify_timestamp: bool = True  # like ASK_SDK_VERIFY_TIMESTAMP
    trust_roots: list[x509.Certificate] | None = None  # None => certifi bundle
    fetch: Callable[[str], bytes] = fetch_url
    clock: Callable[[], datetime] = utcnow
    _cache: _ChainCache = field(default_factory=_ChainCache, init=False, repr=False)

    def verify(self, headers: Mapping[str, str], body: bytes) -> dict:
        """Return the parsed request envelope, or raise VerificationError."""
        now = self.clock()
        if now.tzinfo is None:  # treat a naive clock as UTC rather than fail comparisons
            now = now.replace(tzinfo=UTC)
        if self.verify_signature:
            leaf = self._verified_leaf(_header(headers, CERT_URL_HEADER), now)
            self._check_signature(leaf, _header(headers, SIGNATURE_HEADER), body)
        try:
            envelope = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise VerificationError("request body is not valid JSON") from exc
        except RecursionError as exc:
            raise VerificationError("request body nests too deeply") from exc
        if not isinstance(envelope, dict) or not isinstance(envelope.get("request"), dict):
            raise VerificationError("request body is not an Alexa request envelope")
        if self.verify_timestamp:
            self._check_timestamp(envelope["request"], now)
        if self.skill_id is not None and _application_id(envelope) != self.skill_id:
            raise VerificationError("request is for a different skill id")
        return envelope

    @cached_property
    def _store(self) -> Store:
        # Building the store twice in a race is harmless, so no lock is needed.
        roots = default_trust_roots() if self.trust_roots is None else self.trust_roots
        return Store(list(roots))

    def _chain(self, url: str) -> _Chain:
        chain = self._cache.get(url)
        if chain is None:
            try:
                chain = _Chain(x509.load_pem_x509_certificates(self.fetch(url)))
            except ValueError as exc:
                raise VerificationError("certificate chain is not valid PEM") from exc
            self._cache.put(url, chain)
        return chain

    def _verified_leaf(self, url: str | None, now: datetime) -> x509.Certificate:
        chain = self._chain(normalize_cert_url(url))
        leaf = chain.leaf
        # The chain verifier checks this too; checking here gives a clearer error.
        if not leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc:
            raise VerificationError("signing certificate is expired or not yet valid")
        # A chain path found trusted stays trusted while every certificate on it is valid
        # (the roots are fixed for the verifier's life), so it is built once, not per request.
        if chain.trusted_at(now):
            return leaf
        verifier = (
            PolicyBuilder()
            .store(self._store)
            .time(now)
            .build_server_verifier(DNSName(ALEXA_CERT_DNS_NAME))
        )
        try:
            path = verifier.verify(leaf, chain.intermediates)
        except Exception as exc:  # the verifier's own error types vary by cause
            raise VerificationError(f"certificate chain rejected: {exc}") from exc
        chain.trusted = (max(cert.not_valid_before_utc for cert in path),
                         min(cert.not_valid_after_utc for cert in path))
        return leaf

    @staticmethod
    def _check_signature(leaf: x509.Certificate, signature: str | None, body: bytes) -> None:
        if not signature:
            raise VerificationError(f"missing {SIGNATURE_HEADER} header")
        try:
            raw = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise VerificationError("signature is not valid base64") from exc
        key = leaf.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise VerificationError("signing certificate does not hold an RSA key")
        try:
            key.verify(raw, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as exc:
            raise VerificationError("signature does not match request body") from exc

    @staticmethod
    def _check_timestamp(request: dict, now: datetime) -> None:
        timestamp = _parse_timestamp(request.get("timestamp"))
        is_event = str(request.get("type", "")).startswith("AlexaSkillEvent.")
        tolerance = SKILL_EVENT_TIMESTAMP_TOLERANCE if is_event else TIMESTAMP_TOLERANCE
        if abs(now - timestamp) > tolerance:
            raise VerificationError("request timestamp is outside the allowed window")
