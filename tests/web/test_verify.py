"""Tests for Alexa request verification, using a locally generated certificate chain."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from certs import (
    CERT_URL,
    NOW,
    SKILL_ID,
    FakeFetch,
    _body,
    _envelope,
    _leaf_cert,
    _pem,
)

from skill.web import verify
from skill.web.verify import VerificationError, Verifier, normalize_cert_url


def _rejects(verifier: Verifier, headers, body, match: str) -> None:
    with pytest.raises(VerificationError, match=match):
        verifier.verify(headers, body)


# --- accepted requests ---------------------------------------------------------------------


def test_valid_request_returns_envelope(make_verifier, signed):
    headers, body = signed()
    envelope = make_verifier(skill_id=SKILL_ID).verify(headers, body)
    assert envelope["request"]["type"] == "LaunchRequest"


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:443/echo.api/x.pem",
        "HTTPS://S3.AMAZONAWS.COM/echo.api/x.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/x.pem",
    ],
)
def test_valid_cert_urls_accepted(make_verifier, signed, url):
    headers, body = signed(url=url)
    assert make_verifier().verify(headers, body)


@pytest.mark.parametrize("transform", [str.lower, str.upper])
def test_header_names_are_case_insensitive(make_verifier, signed, transform):
    headers, body = signed()
    headers = {transform(name): value for name, value in headers.items()}
    assert make_verifier().verify(headers, body)


def test_default_clock_accepts_current_request(make_verifier, signed):
    headers, body = signed(_body(_envelope(datetime.now(UTC))))
    assert make_verifier(clock=verify.utcnow).verify(headers, body)


# --- rule 1: certificate URL ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://s3.amazonaws.com/echo.api/x.pem",
        "https://s3.amazonaws.com/EcHo.aPi/x.pem",
        "https://s3.amazonaws.com:563/echo.api/x.pem",
        "https://notamazon.com/echo.api/x.pem",
        "https://s3.amazonaws.com/invalid.path/x.pem",
        "https://s3.amazonaws.com/echo.api/../x.pem",
        "https://evil.com@s3.amazonaws.com/echo.api/x.pem",
        "https://s3.amazonaws.com:notaport/echo.api/x.pem",
    ],
)
def test_invalid_cert_urls_rejected(make_verifier, signed, fetch, url):
    headers, body = signed(url=url)
    _rejects(make_verifier(), headers, body, "certificate URL")
    assert fetch.calls == []


def test_missing_cert_url_rejected(make_verifier, signed):
    headers, body = signed()
    del headers["SignatureCertChainUrl"]
    _rejects(make_verifier(), headers, body, "missing SignatureCertChainUrl")


def test_cert_url_is_normalised_before_fetching():
    url = "HTTPS://S3.AMAZONAWS.COM:443/echo.api/./a/../echo-api-cert.pem"
    assert normalize_cert_url(url) == CERT_URL


# Amazon's rules for SignatureCertChainUrl, after normalising: scheme https and host
# s3.amazonaws.com (both case-insensitive), path starting /echo.api/ (case-sensitive),
# port 443 if given. Percent-escapes are decoded once; escaped dots, slashes and
# backslashes, and escapes escaped twice, are refused.
CERT_URL_VERDICTS = [
    ("https://s3.amazonaws.com/echo.api/echo-api-cert.pem", True),
    ("https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem", True),
    ("https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem", True),
    ("HTTPS://s3.amazonaws.com/echo.api/echo-api-cert.pem", True),
    ("https://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem", True),
    ("hTtPs://s3.AmAzOnAwS.cOm/echo.api/echo-api-cert.pem", True),
    ("https://s3.amazonaws.com/echo.api/./echo-api-cert.pem", True),
    ("https://s3.amazonaws.com/echo.api/x/../echo-api-cert.pem", True),
    ("https://s3.amazonaws.com/echo.api/deep/er/cert.pem", True),
    ("https://s3.amazonaws.com/echo.api//echo-api-cert.pem", True),
    ("https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem", True),
    ("https://s3.amazonaws.com/echo.api/%65cho-api-cert.pem", True),
    ("https://s3.amazonaws.com/echo.api/echo-api-cert.pem?x=1", True),
    (" https://s3.amazonaws.com/echo.api/echo-api-cert.pem ", True),
    ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", False),
    ("ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem", False),
    ("file:///echo.api/echo-api-cert.pem", False),
    ("//s3.amazonaws.com/echo.api/echo-api-cert.pem", False),
    ("s3.amazonaws.com/echo.api/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com/ECHO.API/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com/echo.api", False),
    ("https://s3.amazonaws.com/echo.apix/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com/", False),
    ("https://s3.amazonaws.com", False),
    ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com:80/echo.api/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com:8443/echo.api/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com:notaport/echo.api/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com:99999/echo.api/echo-api-cert.pem", False),
    ("https://notamazon.com/echo.api/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com.evil.com/echo.api/echo-api-cert.pem", False),
    ("https://evil.s3.amazonaws.com/echo.api/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com./echo.api/echo-api-cert.pem", False),
    ("https://evil.com@s3.amazonaws.com/echo.api/echo-api-cert.pem", False),
    ("https://user:pass@s3.amazonaws.com/echo.api/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com/echo.api/../echo-api-cert.pem", False),
    ("https://s3.amazonaws.com/echo.api/../../echo.api/../x.pem", False),
    ("https://s3.amazonaws.com/echo.api/%2e%2e/evil/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com/echo.api/%2E%2E/evil/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com/echo.api/.%2e/evil/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com/echo.api/%2e./evil/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com/echo.api%2f..%2fevil/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com/echo.api/..%2Fevil/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com/echo%2eapi/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com/echo.api/..%5cevil/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com/echo.api/..\\evil/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com/echo.api/%252e%252e/evil/echo-api-cert.pem", False),
    ("https://s3.amazonaws.com/echo.api/%25/echo-api-cert.pem", False),
    ("https://[::1]/echo.api/echo-api-cert.pem", False),
    ("https://127.0.0.1/echo.api/echo-api-cert.pem", False),
    ("", False),
]


def test_the_url_table_covers_enough_cases():
    assert len(CERT_URL_VERDICTS) >= 40
    assert len({url for url, _ in CERT_URL_VERDICTS}) == len(CERT_URL_VERDICTS)


@pytest.mark.parametrize(("url", "valid"), CERT_URL_VERDICTS)
def test_cert_url_verdicts(url, valid):
    if valid:
        normalised = normalize_cert_url(url)
        assert normalised.startswith("https://s3.amazonaws.com/echo.api/")
        assert ".." not in normalised and "%2" not in normalised.lower()
    else:
        with pytest.raises(VerificationError):
            normalize_cert_url(url)


# --- rule 2: certificate chain -------------------------------------------------------------


@pytest.mark.parametrize(
    ("not_before", "not_after"),
    [
        (NOW - timedelta(days=400), NOW - timedelta(seconds=1)),
        (NOW + timedelta(seconds=1), NOW + timedelta(days=400)),
    ],
    ids=["expired", "not-yet-valid"],
)
def test_leaf_outside_validity_window_rejected(
    make_verifier, signed, keys, intermediate, not_before, not_after
):
    leaf = _leaf_cert(
        keys["leaf"], intermediate, keys["intermediate"], not_before=not_before, not_after=not_after
    )
    headers, body = signed()
    verifier = make_verifier(fetch=FakeFetch(_pem(leaf, intermediate)))
    _rejects(verifier, headers, body, "expired or not yet valid")


@pytest.mark.parametrize("dns_names", [(), ("evil.example.com",)], ids=["no-san", "other-name"])
def test_leaf_without_alexa_name_rejected(make_verifier, signed, keys, intermediate, dns_names):
    leaf = _leaf_cert(keys["leaf"], intermediate, keys["intermediate"], dns_names=dns_names)
    headers, body = signed()
    verifier = make_verifier(fetch=FakeFetch(_pem(leaf, intermediate)))
    _rejects(verifier, headers, body, "certificate chain rejected")


def test_untrusted_root_rejected(make_verifier, signed):
    # Our test root is not in the certifi bundle used by default.
    headers, body = signed()
    _rejects(make_verifier(trust_roots=None), headers, body, "certificate chain rejected")


def test_extended_default_roots_accept_chain(make_verifier, signed, root):
    headers, body = signed()
    roots = [*verify.default_trust_roots(), root]
    assert make_verifier(trust_roots=roots).verify(headers, body)


def test_self_signed_leaf_rejected(make_verifier, signed, keys):
    leaf = _leaf_cert(keys["leaf"], None, keys["leaf"])
    headers, body = signed()
    _rejects(
        make_verifier(fetch=FakeFetch(_pem(leaf))), headers, body, "certificate chain rejected"
    )


def test_missing_intermediate_rejected(make_verifier, signed, leaf):
    headers, body = signed()
    verifier = make_verifier(fetch=FakeFetch(_pem(leaf)))
    _rejects(verifier, headers, body, "certificate chain rejected")


def test_garbage_chain_rejected(make_verifier, signed):
    headers, body = signed()
    _rejects(make_verifier(fetch=FakeFetch(b"not a pem")), headers, body, "not valid PEM")


def test_chain_fetched_once_per_url(make_verifier, signed, fetch):
    verifier = make_verifier()
    for url in (CERT_URL, CERT_URL, "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem"):
        headers, body = signed(url=url)
        verifier.verify(headers, body)
    assert fetch.calls == [CERT_URL]


def test_chain_cache_is_bounded(leaf, intermediate):
    cache = verify._ChainCache(max_size=2)
    for url in ("a", "b", "c"):
        cache.put(url, verify._Chain([leaf, intermediate]))
    assert cache.get("a") is None
    assert cache.get("b").leaf == cache.get("c").leaf == leaf


@pytest.fixture
def chain_checks(monkeypatch):
    """How many times a chain verifier is built."""
    built = []

    def policy_builder():
        built.append(1)
        return real()

    real = verify.PolicyBuilder
    monkeypatch.setattr(verify, "PolicyBuilder", policy_builder)
    return built


def test_trusted_chain_is_checked_once_while_valid(make_verifier, signed, chain_checks):
    verifier = make_verifier()
    for _ in range(3):
        verifier.verify(*signed())
    assert len(chain_checks) == 1


def test_rejected_chain_is_checked_again(make_verifier, signed, leaf, chain_checks):
    verifier = make_verifier(fetch=FakeFetch(_pem(leaf)))  # the intermediate is missing
    for _ in range(2):
        _rejects(verifier, *signed(), "certificate chain rejected")
    assert len(chain_checks) == 2


def test_trusted_chain_expires_with_its_certificates(signed, keys, intermediate, root):
    leaf = _leaf_cert(keys["leaf"], intermediate, keys["intermediate"],
                      not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(hours=1))
    clock = [NOW]
    verifier = Verifier(trust_roots=[root], fetch=FakeFetch(_pem(leaf, intermediate)),
                        clock=lambda: clock[0], verify_timestamp=False)
    assert verifier.verify(*signed())
    clock[0] = NOW + timedelta(hours=2)
    _rejects(verifier, *signed(), "expired or not yet valid")


def test_fetch_url_caps_size(monkeypatch):
    oversized = io.BytesIO(b"x" * (verify.MAX_CHAIN_BYTES + 1))
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: oversized)
    with pytest.raises(VerificationError, match="too large"):
        verify.fetch_url(CERT_URL)


def test_fetch_url_wraps_network_errors(monkeypatch):
    seen = {}

    def fail(url, timeout):
        seen["timeout"] = timeout
        raise urllib.error.URLError("unreachable")

    monkeypatch.setattr(urllib.request, "urlopen", fail)
    with pytest.raises(VerificationError, match="could not fetch"):
        verify.fetch_url(CERT_URL)
    assert seen["timeout"] == 5


# --- rule 3: signature ---------------------------------------------------------------------


def test_tampered_body_rejected(make_verifier, signed):
    headers, body = signed()
    tampered = body.replace(b"LaunchRequest", b"SessionEndedRequest")
    _rejects(make_verifier(), headers, tampered, "signature does not match")


def test_signature_from_other_key_rejected(make_verifier, signed, keys):
    headers, body = signed(key=keys["other"])
    _rejects(make_verifier(), headers, body, "signature does not match")


def test_missing_signature_rejected(make_verifier, signed):
    headers, body = signed()
    del headers["Signature-256"]
    _rejects(make_verifier(), headers, body, "missing Signature-256")


def test_garbage_base64_signature_rejected(make_verifier, signed):
    headers, body = signed()
    headers["Signature-256"] = "not*base64!"
    _rejects(make_verifier(), headers, body, "not valid base64")


@pytest.mark.parametrize("body", [b"not json", b"\xff\xfe", b"[1, 2]", b"{}"])
def test_non_envelope_bodies_rejected(make_verifier, signed, body):
    headers, body = signed(body)
    _rejects(make_verifier(), headers, body, "request body")


# --- rule 4: timestamp ---------------------------------------------------------------------


@pytest.mark.parametrize("offset", [-150, 150])
def test_timestamp_within_tolerance_accepted(make_verifier, signed, offset):
    headers, body = signed(_body(_envelope(NOW + timedelta(seconds=offset))))
    assert make_verifier().verify(headers, body)


@pytest.mark.parametrize("offset", [-151, 151], ids=["stale", "future"])
def test_timestamp_outside_tolerance_rejected(make_verifier, signed, offset):
    headers, body = signed(_body(_envelope(NOW + timedelta(seconds=offset))))
    _rejects(make_verifier(), headers, body, "timestamp is outside")


def test_skill_event_allows_older_timestamp(make_verifier, signed):
    envelope = _envelope(NOW - timedelta(minutes=30), "AlexaSkillEvent.SkillEnabled")
    headers, body = signed(_body(envelope))
    assert make_verifier().verify(headers, body)


def test_skill_event_older_than_an_hour_rejected(make_verifier, signed):
    envelope = _envelope(NOW - timedelta(hours=1, seconds=1), "AlexaSkillEvent.SkillEnabled")
    headers, body = signed(_body(envelope))
    _rejects(make_verifier(), headers, body, "timestamp is outside")


@pytest.mark.parametrize("timestamp", ["yesterday", None])
def test_malformed_timestamp_rejected(make_verifier, signed, timestamp):
    envelope = _envelope()
    envelope["request"]["timestamp"] = timestamp
    headers, body = signed(_body(envelope))
    _rejects(make_verifier(), headers, body, "timestamp is m")


# --- rule 5: skill id ----------------------------------------------------------------------


def test_wrong_skill_id_rejected(make_verifier, signed):
    headers, body = signed()
    _rejects(make_verifier(skill_id="amzn1.ask.skill.other"), headers, body, "skill id")


def test_skill_id_falls_back_to_session(make_verifier, signed):
    envelope = _envelope()
    del envelope["context"]
    headers, body = signed(_body(envelope))
    assert make_verifier(skill_id=SKILL_ID).verify(headers, body)


def test_skill_id_checked_without_signature_verification(make_verifier):
    verifier = make_verifier(skill_id="amzn1.ask.skill.other", verify_signature=False)
    _rejects(verifier, {}, _body(), "skill id")


# --- switches ------------------------------------------------------------------------------


def test_verify_signature_false_skips_url_chain_and_signature(make_verifier, fetch):
    verifier = make_verifier(verify_signature=False)
    assert verifier.verify({}, _body())
    assert fetch.calls == []


def test_verify_signature_false_still_checks_timestamp(make_verifier):
    stale = _body(_envelope(NOW - timedelta(seconds=151)))
    _rejects(make_verifier(verify_signature=False), {}, stale, "timestamp is outside")


def test_verify_timestamp_false_skips_timestamp(make_verifier, signed):
    headers, body = signed(_body(_envelope(NOW - timedelta(days=1))))
    assert make_verifier(verify_timestamp=False).verify(headers, body)


def test_verify_timestamp_false_still_checks_signature(make_verifier, signed, keys):
    headers, body = signed(key=keys["other"])
    _rejects(make_verifier(verify_timestamp=False), headers, body, "signature does not match")
