"""Persistent attributes: where what the guide remembers is kept.

Only the keys in `skill.runtime.memory.KEYS` may ever be stored. Screening answers are
health information and stay in the session, so every adapter that `adapter_for` hands out
is wrapped in `GuardedAdapter`, which refuses any other key rather than trusting every
caller to remember. A refused key is a programming error, not a storage problem: it is
raised as such (never swallowed like a failed save), so a test that stores one fails.

Where attributes are kept is chosen by the settings (`skill.runtime.settings`):

- sqlite: a local SQLite file (`settings.db_path`).
- dynamodb: the table `settings.dynamodb_table`, partition key "id" (the Alexa user id),
  in `settings.aws_region` (else boto3's usual configuration). The table is made by the
  deployment template, never here. boto3 is imported only then, so other configurations
  do not pay for it.
- none: nothing is remembered (every visit is a first one, quietly).
"""

import json
import threading
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from skill.runtime.memory import KEYS


class ForbiddenAttribute(ValueError):
    """Raised when code tries to persist a key that skill.runtime.memory does not own."""


def check_allowed(attributes):
    unknown = set(attributes) - KEYS
    if unknown:
        raise ForbiddenAttribute(f"refusing to persist {sorted(unknown)}")


class GuardedAdapter(AbstractPersistenceAdapter):
    """Any adapter, refusing to save keys outside memory.KEYS (nothing is written then)."""

    def __init__(self, inner):
        self.inner = inner

    def get_attributes(self, request_envelope):
        return self.inner.get_attributes(request_envelope)

    def save_attributes(self, request_envelope, attributes):
        check_allowed(attributes)
        self.inner.save_attributes(request_envelope, attributes)

    def delete_attributes(self, request_envelope):
        self.inner.delete_attributes(request_envelope)


def user_key(request_envelope):
    """Attributes are kept per Alexa user id."""
    try:
        return request_envelope.context.system.user.user_id
    except AttributeError as error:
        raise PersistenceException("request has no user id") from error


# A write that finds the file locked past the busy timeout is tried again this many
# times, after 50, 100, 200 ms.
BUSY_RETRIES = 3
BUSY_BACKOFF_SECONDS = 0.05


@contextmanager
def _creation_lock(path):
    """An exclusive lock beside the database, between threads and processes alike
    (flock locks belong to each opened file, so two threads exclude each other too)."""
    import fcntl

    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


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
            connection.execute("PRAGMA synchronous=NORMAL")
            # Switching a new file to WAL needs an exclusive lock, and SQLite answers
            # "database is locked" at once instead of waiting for it; so the first
            # connections take turns here, and later ones find WAL already set.
            with _creation_lock(self.path):
                if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    connection.execute("PRAGMA journal_mode=WAL")
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS attributes ("
                    " id TEXT PRIMARY KEY, attributes TEXT NOT NULL)"
                )
            self._local.connection = connection
        return connection

    def _run(self, action, sql, parameters):
        import sqlite3

        for attempt in range(BUSY_RETRIES + 1):
            try:
                return self._connection().execute(sql, parameters).fetchone()
            except sqlite3.OperationalError as error:
                # The busy timeout covers most waits, not all (a WAL checkpoint or
                # recovery can refuse at once): try again after a short pause.
                if "locked" not in str(error) and "busy" not in str(error):
                    return self._fail(action, error)
                if attempt == BUSY_RETRIES:
                    return self._fail(action, error)
                time.sleep(BUSY_BACKOFF_SECONDS * 2 ** attempt)
            except (sqlite3.Error, OSError) as error:
                return self._fail(action, error)

    def _fail(self, action, error):
        self._local.connection = None  # start afresh next time
        raise PersistenceException(f"cannot {action} {self.path}: {error}") from error

    def get_attributes(self, request_envelope):
        row = self._run("read", "SELECT attributes FROM attributes WHERE id = ?",
                        (user_key(request_envelope),))
        return json.loads(row[0]) if row else {}

    def save_attributes(self, request_envelope, attributes):
        self._run(
            "write",
            "INSERT INTO attributes (id, attributes) VALUES (?, ?) "
            "ON CONFLICT(id) DO UPDATE SET attributes = excluded.attributes",
            (user_key(request_envelope), json.dumps(attributes, sort_keys=True)),
        )

    def delete_attributes(self, request_envelope):
        self._run("delete from", "DELETE FROM attributes WHERE id = ?",
                  (user_key(request_envelope),))


class JsonNumbers(AbstractPersistenceAdapter):
    """DynamoDB keeps numbers as Decimal and refuses floats: give and take plain JSON numbers.

    So attributes read back the same from DynamoDB as from SQLite.
    """

    def __init__(self, inner):
        self.inner = inner

    def get_attributes(self, request_envelope):
        return _plain_numbers(self.inner.get_attributes(request_envelope))

    def save_attributes(self, request_envelope, attributes):
        self.inner.save_attributes(
            request_envelope, json.loads(json.dumps(attributes), parse_float=Decimal))

    def delete_attributes(self, request_envelope):
        self.inner.delete_attributes(request_envelope)


def _plain_numbers(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_numbers(item) for item in value]
    return value


def dynamodb_adapter(table_name, region=None):
    """Attributes in an existing DynamoDB table, partition key "id" = the Alexa user id."""
    import boto3  # here, not at the top: only the DynamoDB configuration pays for it
    from botocore.config import Config
    from botocore.exceptions import NoRegionError

    try:
        # ask_sdk_dynamodb builds a default resource from boto3's default session when
        # imported, so that session must know the region first.
        boto3.setup_default_session(region_name=region)
        # A reply is due within seconds: fail fast rather than wait on boto's defaults.
        dynamodb = boto3.resource("dynamodb", config=Config(
            connect_timeout=2, read_timeout=3, retries={"mode": "standard", "max_attempts": 3}))
        from ask_sdk_dynamodb.adapter import DynamoDbAdapter
        from ask_sdk_dynamodb.partition_keygen import user_id_partition_keygen
    except NoRegionError as error:
        raise ValueError("PERSISTENCE=dynamodb needs an AWS region: "
                         "set AWS_REGION or AWS_DEFAULT_REGION") from error
    return JsonNumbers(DynamoDbAdapter(
        table_name=table_name, partition_key_name="id", attribute_name="attributes",
        create_table=False, partition_keygen=user_id_partition_keygen,
        dynamodb_resource=dynamodb))


class NoMemory(AbstractPersistenceAdapter):
    """PERSISTENCE=none: nothing read, nothing kept. (Without an adapter at all the SDK
    raises on every read, which would be logged as trouble on every turn.)"""

    def get_attributes(self, request_envelope):
        return {}

    def save_attributes(self, request_envelope, attributes):
        pass

    def delete_attributes(self, request_envelope):
        pass


def adapter_for(settings):
    """The guarded persistence adapter the settings ask for."""
    if settings.persistence == "none":
        return GuardedAdapter(NoMemory())
    if settings.persistence == "sqlite":
        return GuardedAdapter(SQLitePersistenceAdapter(settings.db_path))
    if settings.persistence == "dynamodb":
        if not settings.dynamodb_table:
            raise ValueError("PERSISTENCE=dynamodb needs DYNAMODB_TABLE: the table's name")
        return GuardedAdapter(dynamodb_adapter(settings.dynamodb_table, settings.aws_region))
    raise ValueError(f"unknown persistence {settings.persistence!r}; "
                     "use sqlite, dynamodb or none")
