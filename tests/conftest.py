"""Shared fixtures: a skill with its own temporary store, and a conversation with it."""

import pytest
from transcript import Conversation

from skill.builder import build_skill
from skill.persistence import GuardedAdapter, SQLitePersistenceAdapter
from skill.runtime import Runtime


@pytest.fixture
def adapter(tmp_path):
    return GuardedAdapter(SQLitePersistenceAdapter(tmp_path / "attributes.sqlite3"))


@pytest.fixture
def runtime(adapter):
    return Runtime(build_skill(persistence_adapter=adapter, skill_id=None))


@pytest.fixture
def convo(runtime):
    return Conversation(runtime)


@pytest.fixture(autouse=True)
def _local_state(tmp_path, monkeypatch):
    """Nothing a test runs may write to the real home folder."""
    monkeypatch.setenv("SKILL_DB", str(tmp_path / "default.sqlite3"))
    monkeypatch.delenv("SKILL_ID", raising=False)
    monkeypatch.setenv("AUDIO_BASE_URL", "https://audio.example.test/audio/")
