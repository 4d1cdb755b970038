"""Local persistence (SQLite), the choice of adapter, and the rule that screening answers
are never kept."""

import json
import logging
import multiprocessing
import sqlite3
import threading

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from transcript import Conversation, fixture, runtime_with

from skill.runtime.alexa import intents
from skill.runtime.memory import KEYS
from skill.runtime.persistence import (
    ForbiddenAttribute,
    GuardedAdapter,
    NoMemory,
    SQLitePersistenceAdapter,
    adapter_for,
)
from skill.runtime.settings import Settings


@pytest.fixture
def adapter(tmp_path):
    """As adapter_from_env gives it: SQLite behind the allow-list guard."""
    return GuardedAdapter(SQLitePersistenceAdapter(tmp_path / "attributes.sqlite3"))


def envelope_for(user_id):
    event = fixture("launch")
    event["context"]["System"]["user"]["userId"] = user_id
    return DefaultSerializer().deserialize(json.dumps(event), RequestEnvelope)


def test_file_is_created_on_first_use(tmp_path):
    path = tmp_path / "deep" / "down" / "attributes.sqlite3"
    adapter = SQLitePersistenceAdapter(path)
    assert not path.exists()
    assert adapter.get_attributes(envelope_for("u1")) == {}
    assert path.exists()


def test_round_trip_and_delete(adapter):
    person = envelope_for("u1")
    adapter.save_attributes(person, {"visits": 3})
    assert adapter.get_attributes(person) == {"visits": 3}
    assert adapter.get_attributes(envelope_for("u2")) == {}
    adapter.delete_attributes(person)
    assert adapter.get_attributes(person) == {}


def test_refuses_keys_outside_the_allowed_set(adapter):
    with pytest.raises(ForbiddenAttribute):
        adapter.save_attributes(envelope_for("u1"), {"visits": 1, "answers": ["yes"]})
    assert adapter.get_attributes(envelope_for("u1")) == {}


def test_the_guard_is_one_wrapper_around_any_adapter():
    saved = []

    class Recorder(AbstractPersistenceAdapter):
        def get_attributes(self, request_envelope):
            return {}

        def save_attributes(self, request_envelope, attributes):
            saved.append(attributes)

        def delete_attributes(self, request_envelope):
            pass

    guarded = GuardedAdapter(Recorder())
    with pytest.raises(ForbiddenAttribute, match="answers"):
        guarded.save_attributes(envelope_for("u1"), {"answers": ["yes"]})
    memory = {"visits": 1, "playback": {"routine": "r", "step": 2, "offset": 1500},
              "completed": {"r": 3}, "streak": {"days": 2, "last": "2026-01-02"}}
    guarded.save_attributes(envelope_for("u1"), memory)
    assert saved == [memory]


def test_allowed_keys_never_include_screening_answers():
    assert {"playback", "completed", "streak", "visits"} <= KEYS
    assert not {"answers", "screening", "clues", "score"} & KEYS


def test_unreadable_database_is_a_clear_persistence_error(tmp_path):
    path = tmp_path / "not-a-db.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(PersistenceException, match="cannot read"):
        SQLitePersistenceAdapter(path).get_attributes(envelope_for("u1"))


def test_broken_storage_still_welcomes_with_the_disclaimer(tmp_path):
    path = tmp_path / "not-a-db.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    runtime = runtime_with(SQLitePersistenceAdapter(path))
    turn = Conversation(runtime).launch()
    assert "not medical advice" in turn.speech and not turn.ended


def test_concurrent_threads_do_not_lose_writes(adapter):
    def bump(user):
        person = envelope_for(user)
        for _ in range(20):
            adapter.save_attributes(person, {"visits": 1})
            adapter.get_attributes(person)

    workers = [threading.Thread(target=bump, args=(f"u{i}",)) for i in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    for i in range(8):
        assert adapter.get_attributes(envelope_for(f"u{i}")) == {"visits": 1}


def _save_at_once(adapter, person, start, failures):
    start.wait()
    try:
        adapter.save_attributes(person, {"visits": 1})
    except PersistenceException as error:
        failures.append(error)


@pytest.mark.slow
def test_concurrent_first_use_of_new_databases_loses_nothing(tmp_path):
    """32 threads open a brand-new file at once, 200 times over: every save is kept."""
    people = [envelope_for(f"u{i}") for i in range(32)]
    lost = 0
    for round_number in range(200):
        path = tmp_path / f"new-{round_number}.sqlite3"
        shared = SQLitePersistenceAdapter(path)  # one adapter: a connection per thread
        start = threading.Barrier(len(people))
        failures = []
        workers = [threading.Thread(target=_save_at_once, args=(shared, p, start, failures))
                   for p in people]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        check = SQLitePersistenceAdapter(path)
        lost += sum(check.get_attributes(p) != {"visits": 1} for p in people)
        assert failures == []
    assert lost == 0


def _first_use(path, user, ready):
    ready.wait()
    SQLitePersistenceAdapter(path).save_attributes(envelope_for(user), {"visits": 1})


@pytest.mark.slow
def test_concurrent_processes_opening_a_new_database_lose_nothing(tmp_path):
    context = multiprocessing.get_context("fork")
    for round_number in range(5):
        path = tmp_path / f"new-{round_number}.sqlite3"
        ready = context.Barrier(6)
        workers = [context.Process(target=_first_use, args=(path, f"p{i}", ready))
                   for i in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
            assert worker.exitcode == 0
        adapter = SQLitePersistenceAdapter(path)
        assert [adapter.get_attributes(envelope_for(f"p{i}")) for i in range(6)] == [
            {"visits": 1}] * 6


def test_a_failed_save_is_one_log_line_and_the_reply_still_comes(tmp_path, caplog):
    class FullDisk(SQLitePersistenceAdapter):
        def save_attributes(self, request_envelope, attributes):
            raise PersistenceException(f"cannot write {self.path}: disk I/O error")

    runtime = runtime_with(FullDisk(tmp_path / "a.sqlite3"))
    caplog.set_level(logging.INFO)
    turn = Conversation(runtime, user_id="amzn1.ask.account.SECRET").launch()
    assert "not medical advice" in turn.speech and not turn.ended
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "disk I/O error" in warnings[0].getMessage()
    assert "SECRET" not in caplog.text and not warnings[0].exc_info


def _write_many(path, user, count):
    adapter = SQLitePersistenceAdapter(path)
    person = envelope_for(user)
    for n in range(count):
        adapter.save_attributes(person, {"visits": n + 1})


def test_concurrent_processes_share_the_file(tmp_path):
    path = tmp_path / "shared.sqlite3"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_many, args=(path, f"p{i}", 30)) for i in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    adapter = SQLitePersistenceAdapter(path)
    assert [adapter.get_attributes(envelope_for(f"p{i}")) for i in range(3)] == [
        {"visits": 30}] * 3


def test_default_location_and_choice_by_environment(tmp_path):
    db = str(tmp_path / "x.sqlite3")
    settings = Settings.from_env({"SKILL_DB": db})
    assert settings.db_path == tmp_path / "x.sqlite3"
    chosen = adapter_for(settings)
    assert isinstance(chosen, GuardedAdapter)
    assert isinstance(chosen.inner, SQLitePersistenceAdapter)
    with pytest.raises(ForbiddenAttribute):
        chosen.save_attributes(envelope_for("u1"), {"answers": ["yes"]})
    # A table alone, off Lambda, is still SQLite.
    settings = Settings.from_env({"SKILL_DB": db, "DYNAMODB_TABLE": "guide-attributes"})
    assert isinstance(adapter_for(settings).inner, SQLitePersistenceAdapter)
    on_lambda = Settings.from_env({"AWS_LAMBDA_FUNCTION_NAME": "guide"})
    assert str(on_lambda.db_path).startswith("/tmp/")
    assert on_lambda.persistence == "sqlite"  # no table: SQLite
    forgetful = adapter_for(Settings.from_env({"PERSISTENCE": "none"}))
    assert isinstance(forgetful.inner, NoMemory)
    assert forgetful.get_attributes(None) == {}
    with pytest.raises(ValueError, match="PERSISTENCE"):
        Settings.from_env({"PERSISTENCE": "floppy"})


def test_visits_are_remembered(runtime, adapter):
    Conversation(runtime, user_id="amzn1.ask.account.V").launch()
    Conversation(runtime, user_id="amzn1.ask.account.V").launch()
    memory = adapter.get_attributes(envelope_for("amzn1.ask.account.V"))
    assert memory["visits"] == 2
    assert set(memory) <= KEYS


# --- screening answers are never kept ----------------------------------------------------

ANSWERS = [intents.NO, intents.NO, intents.NO, intents.YES, intents.NOT_SURE, intents.YES,
           intents.NO]


def test_a_whole_screening_leaves_no_trace_in_storage_or_logs(runtime, adapter, caplog):
    caplog.set_level(logging.DEBUG)
    convo = Conversation(runtime, user_id="amzn1.ask.account.PRIVATE")
    convo.launch()
    convo.say(intents.START_SCREENING)
    for name in ANSWERS:
        result = convo.say(name)
    assert "two of the four clues" in result.speech
    convo.say(intents.STOP)

    with sqlite3.connect(adapter.inner.path) as db:
        stored = " ".join(row[0] for row in db.execute("SELECT attributes FROM attributes"))
    assert set(json.loads(stored)) <= KEYS
    for secret in ("yes", "unsure", "answers", "screening", "clue", "four"):
        assert secret not in stored
    logged = caplog.text.lower()
    for secret in ("unsure", "answers", "of the four clues", "'yes'", "sessionattributes"):
        assert secret not in logged
    assert "request intentrequest" in logged  # logging itself works: kinds and names only


def test_no_handler_writes_persistent_attributes_outside_launch(runtime, adapter, monkeypatch):
    saved = []
    original = adapter.save_attributes
    monkeypatch.setattr(adapter, "save_attributes",
                        lambda request_envelope, attributes: (saved.append(dict(attributes)),
                        original(request_envelope, attributes)))
    convo = Conversation(runtime)
    convo.launch()
    convo.say(intents.START_SCREENING)
    for name in ANSWERS:
        convo.say(name)
    assert len(saved) == 1 and set(saved[0]) <= KEYS
