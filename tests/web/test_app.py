"""The web service: verified skill endpoint, 400 on failure, 405 for methods it does not serve."""

import json
import logging
from datetime import timedelta

import pytest
from certs import NOW, SKILL_ID, _body, _envelope
from transcript import runtime_with, settings_for_tests

from skill.runtime.dispatch import Runtime
from skill.web import create_app


@pytest.fixture
def runtime(adapter):
    return runtime_with(adapter)


@pytest.fixture
def client_for(runtime, make_verifier):
    """A client of the app for these settings (flask-ask-sdk's config keys included), its
    verifier trusting the tests' own certificate authority."""
    def make(skill_id=SKILL_ID, **config):
        settings = settings_for_tests(skill_id=skill_id)
        app = create_app(settings, runtime=runtime, **config)
        trusting = make_verifier(skill_id=skill_id,
                                 verify_signature=app.config["ASK_SDK_VERIFY_SIGNATURE"],
                                 verify_timestamp=app.config["ASK_SDK_VERIFY_TIMESTAMP"])
        app = create_app(settings, runtime=runtime, verifier=trusting, **config)
        return app.test_client()

    return make


def test_the_config_keys_and_settings_make_the_verifier(runtime):
    app = create_app(settings_for_tests(skill_id=SKILL_ID), runtime=runtime,
                     ASK_SDK_VERIFY_TIMESTAMP=False)
    verifier = app.extensions["alexa_request_verifier"]
    assert (verifier.skill_id, verifier.verify_signature, verifier.verify_timestamp) == (
        SKILL_ID, True, False)


def post(client, headers, body):
    return client.post("/", data=body, headers={**headers, "Content-Type": "application/json"})


def test_signed_request_gets_the_skill_response(client_for, signed):
    reply = post(client_for(), *signed())
    assert reply.status_code == 200
    speech = reply.get_json()["response"]["outputSpeech"]["ssml"]
    assert "gentle back guide" in speech


def test_tampered_body_is_rejected_with_400(client_for, signed):
    headers, body = signed()
    reply = post(client_for(), headers, body.replace(b"LaunchRequest", b"LaunchRequesT"))
    assert reply.status_code == 400
    assert b"verification failed" in reply.data


def test_unsigned_request_is_rejected_with_400(client_for):
    assert post(client_for(), {}, _body()).status_code == 400


def test_wrong_skill_id_is_rejected_with_400(client_for, signed):
    assert post(client_for(skill_id="amzn1.ask.skill.someone-else"), *signed()).status_code == 400


def test_stale_request_is_rejected_unless_timestamp_check_is_off(client_for, signed):
    stale = _body(_envelope(timestamp=NOW - timedelta(minutes=5)))
    assert post(client_for(), *signed(stale)).status_code == 400
    relaxed = client_for(ASK_SDK_VERIFY_TIMESTAMP=False)
    assert post(relaxed, *signed(stale)).status_code == 200


def test_signature_check_off_accepts_unsigned_but_still_checks_time(client_for):
    relaxed = client_for(ASK_SDK_VERIFY_SIGNATURE=False)
    assert post(relaxed, {}, _body()).status_code == 200
    stale = _body(_envelope(timestamp=NOW - timedelta(minutes=5)))
    assert post(relaxed, {}, stale).status_code == 400


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_anything_but_post_and_get_is_405(client_for, method):
    # GET / is the listening page (tests/web/test_page.py).
    assert getattr(client_for(), method)("/").status_code == 405


def test_no_verify_warns_and_accepts_local_tools(runtime, caplog):
    caplog.set_level(logging.WARNING)
    client = create_app(settings_for_tests(), runtime=runtime, verify=False).test_client()
    assert "verification is OFF" in caplog.text
    reply = post(client, {}, json.dumps(_envelope()).encode())
    assert reply.status_code == 200


@pytest.mark.parametrize("body, message", [
    (b"{not json", b"request verification failed"),
    (b'{"request": {"type": "NoSuchRequest"}}', b"no context.System"),
    (b'{"request": {"type": "NoSuchRequest"}, "context": {"System": {"application": {}, '
     b'"user": {}}}}', b"NoSuchRequest"),
    (b'{"version": "1.0", "request": "launch"}', b"request verification failed"),
])
def test_malformed_requests_get_a_clear_400(runtime, body, message):
    client = create_app(settings_for_tests(), runtime=runtime, verify=False).test_client()
    reply = post(client, {}, body)
    assert reply.status_code == 400
    assert message in reply.data


def test_oversized_body_is_refused(runtime):
    client = create_app(settings_for_tests(), runtime=runtime, verify=False).test_client()
    assert post(client, {}, b" " * (300 * 1024)).status_code == 413


def test_health(runtime):
    client = create_app(settings_for_tests(), runtime=runtime, verify=False).test_client()
    assert client.get("/health").json == {"status": "ok"}


def test_audio_is_served_with_range_requests(runtime):
    client = create_app(settings_for_tests(), runtime=runtime, verify=False).test_client()
    whole = client.get("/audio/daily.mp3")
    assert whole.status_code == 200 and whole.mimetype == "audio/mpeg"
    part = client.get("/audio/daily.mp3", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and len(part.data) == 100
    assert part.data == whole.data[100:200]
    assert client.get("/audio/steps/daily-01.mp3").status_code == 200


@pytest.mark.parametrize("name", ["../README.md", "..%2FREADME.md", "nothing.mp3"])
def test_nothing_outside_the_audio_folder_is_served(runtime, name):
    client = create_app(settings_for_tests(), runtime=runtime, verify=False).test_client()
    assert client.get(f"/audio/{name}").status_code == 404


def _play_request(client, base_url):
    envelope = _envelope(request_type="IntentRequest")
    envelope["request"]["intent"] = {"name": "PlayRoutineIntent", "confirmationStatus": "NONE"}
    envelope["context"]["System"]["device"]["supportedInterfaces"] = {"AudioPlayer": {}}
    return client.post("/", data=json.dumps(envelope), base_url=base_url,
                       headers={"Content-Type": "application/json"}).get_json()["response"]


def local_client():
    """The service with no public audio address: it serves audio/ itself."""
    settings = settings_for_tests(audio_base_url=None)
    return create_app(settings, runtime=Runtime(settings), verify=False).test_client()


def test_without_audio_base_url_the_player_is_pointed_at_this_service():
    client = local_client()
    reply = _play_request(client, "https://guide.example.test")
    play = reply["directives"][0]
    assert play["audioItem"]["stream"]["url"] == (
        "https://guide.example.test/audio/steps/daily-01.mp3")


def test_a_plain_http_service_never_streams_http():
    client = local_client()
    reply = _play_request(client, "http://127.0.0.1:5000")
    assert not reply.get("directives")
    assert "audio for the routines isn&apos;t available" in reply["outputSpeech"]["ssml"]
