"""Shared fixtures: a skill with its own temporary store, and a conversation with it.

Tests hand the code its settings (transcript.settings_for_tests); none sets environment
variables to configure it.
"""

import pytest
from alexa_api_server import ApiServer
from transcript import Conversation, runtime_with, settings_for_tests

from skill.local.alexa_api import AlexaApi
from skill.runtime.persistence import GuardedAdapter, SQLitePersistenceAdapter

# The time zone of a device the local Alexa API knows nothing special about.
DEVICE_TIME_ZONE = "America/New_York"


@pytest.fixture
def settings(tmp_path):
    return settings_for_tests(persistence="sqlite", db_path=tmp_path / "attributes.sqlite3")


@pytest.fixture
def adapter(settings):
    return GuardedAdapter(SQLitePersistenceAdapter(settings.db_path))


@pytest.fixture
def runtime(adapter):
    return runtime_with(adapter)


@pytest.fixture
def convo(runtime):
    return Conversation(runtime)


@pytest.fixture(scope="session")
def alexa_api_server(tmp_path_factory):
    """Alexa's REST APIs on 127.0.0.1 over HTTPS (tests/alexa_api_server.py), one per run."""
    with ApiServer(AlexaApi(), tmp_path_factory.mktemp("alexa-api")) as server:
        yield server


@pytest.fixture
def alexa_api(alexa_api_server, monkeypatch):
    """The local Alexa API, emptied, its certificate trusted by `requests` for this test."""
    alexa_api_server.api.reset()
    alexa_api_server.api.default_time_zone = DEVICE_TIME_ZONE
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(alexa_api_server.ca_path))
    return alexa_api_server
