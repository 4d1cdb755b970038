"""Shared fixtures: a skill with its own temporary store, and a conversation with it.

Tests hand the code its settings (transcript.settings_for_tests); none sets environment
variables to configure it.
"""

import pytest
from transcript import Conversation, runtime_with, settings_for_tests

from skill.runtime.persistence import GuardedAdapter, SQLitePersistenceAdapter


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
