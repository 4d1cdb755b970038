"""Persistent attributes: what the guide remembers between visits.

Only the keys in `ALLOWED_KEYS` may ever be stored. Screening answers are
health information and stay in the session, so the guard below refuses any
other key rather than trusting every caller to remember.
"""

import json
import os
import threading
from pathlib import Path

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

# What may be remembered about a person, and nothing else.
ALLOWED_KEYS = frozenset({"visits", "first_visit", "last_visit"})


class ForbiddenAttribute(PersistenceException):
    """Raised when code tries to persist a key outside ALLOWED_KEYS."""


def check_allowed(attributes):
    unknown = set(attributes) - ALLOWED_KEYS
    if unknown:
        raise ForbiddenAttribute(f"refusing to persist {sorted(unknown)}")


def user_key(request_envelope):
    """Attributes are kept per Alexa user id."""
    try:
        return request_envelope.context.system.user.user_id
    except AttributeError as error:
        raise PersistenceException("request has no user id") from error


class SQLitePersistenceAdapter(AbstractPersistenceAdapter):
    """Persistent attributes in a local SQLite file, created on first use.

    Each thread keeps its own connection (opening one costs more than the
    query). WAL mode and a busy timeout let concurrent readers and writers in
    other threads and processes wait their turn; synchronous=NORMAL is safe in
    WAL mode and spares an fsync per visit.
    """

    def __init__(self, path):
        self.path = Path(path)
        self._local = threading.local()

    def _connection(self):
        connection = getattr(self._local, "connection", None)
        if connection is None:
            import sqlite3  # here, not at the top: only a request that remembers needs it

            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS attributes ("
                " id TEXT PRIMARY KEY, attributes TEXT NOT NULL)"
            )
            self._local.connection = connection
        return connection

    def _run(self, action, sql, parameters):
        import sqlite3

        try:
            return self._connection().execute(sql, parameters).fetchone()
        except (sqlite3.Error, OSError) as error:
            self._local.connection = None  # start afresh next time
            raise PersistenceException(f"cannot {action} {self.path}: {error}") from error

    def get_attributes(self, request_envelope):
        row = self._run("read", "SELECT attributes FROM attributes WHERE id = ?",
                        (user_key(request_envelope),))
        return json.loads(row[0]) if row else {}

    def save_attributes(self, request_envelope, attributes):
        check_allowed(attributes)
        self._run(
            "write",
            "INSERT INTO attributes (id, attributes) VALUES (?, ?) "
            "ON CONFLICT(id) DO UPDATE SET attributes = excluded.attributes",
            (user_key(request_envelope), json.dumps(attributes, sort_keys=True)),
        )

    def delete_attributes(self, request_envelope):
        self._run("delete from", "DELETE FROM attributes WHERE id = ?",
                  (user_key(request_envelope),))


def default_db_path():
    """Where the local SQLite file lives unless SKILL_DB says otherwise."""
    if os.environ.get("SKILL_DB"):
        return Path(os.environ["SKILL_DB"])
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        return Path("/tmp/gentle-back-guide.sqlite3")  # the only writable place there
    state = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state) / "gentle-back-guide" / "attributes.sqlite3"


def adapter_from_env():
    """The persistence adapter chosen by configuration (PERSISTENCE=sqlite|none)."""
    kind = os.environ.get("PERSISTENCE", "sqlite").lower()
    if kind == "none":
        return None
    if kind == "sqlite":
        return SQLitePersistenceAdapter(default_db_path())
    raise ValueError(f"unknown PERSISTENCE={kind!r}; use sqlite or none")
