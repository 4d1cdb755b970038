"""The guide's configuration: read once from the environment, then passed in.

`Settings.from_env()` is called by each entry point (Lambda, `python -m skill ...`) and
nowhere else; everything below it receives the object (`build_skill(settings)`,
`create_app(settings)`), so tests build their own and set no environment variable.

| variable                 | setting            |
| ------------------------ | ------------------ |
| SKILL_ID                 | skill_id: the only skill ID accepted; unset accepts any |
| PERSISTENCE              | persistence: sqlite, dynamodb or none (see `persistence_kind`) |
| DYNAMODB_TABLE           | dynamodb_table |
| AWS_REGION, AWS_DEFAULT_REGION | aws_region (for DynamoDB) |
| XDG_STATE_HOME           | state_dir: gentle-back-guide/ in it (default ~/.local/state) |
| SKILL_DB                 | db_path: the SQLite file (default: in the state folder) |
| AUDIO_BASE_URL           | audio_base_url: the public HTTPS address of audio/ |
| TRUST_FORWARDED_PROTO    | trust_forwarded_proto: believe a proxy's X-Forwarded-Proto |

`api_timeout` (seconds) bounds each call to Alexa's REST APIs (reminders, the device's time
zone): Alexa waits 8 seconds for a reply, and a reminder takes two calls.
"""

import os
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[2]
AUDIO_DIR = REPO / "audio"
PERSISTENCE_KINDS = ("sqlite", "dynamodb", "none")


class Settings(NamedTuple):
    # A NamedTuple, not a dataclass: it is made on every Lambda cold start.
    skill_id: str | None = None
    persistence: str = "sqlite"
    db_path: Path | None = None   # None: no SQLite file (persistence is not sqlite)
    dynamodb_table: str | None = None
    aws_region: str | None = None
    audio_dir: Path = AUDIO_DIR
    audio_base_url: str | None = None
    trust_forwarded_proto: bool = False
    state_dir: Path | None = None  # what the local guide keeps between runs (None: nothing)
    api_timeout: float = 3.0

    @classmethod
    def from_env(cls, environ=None):
        environ = os.environ if environ is None else environ

        def text(name):
            return (environ.get(name) or "").strip() or None

        kind = persistence_kind(environ)
        state = default_state_dir(environ)
        table = text("DYNAMODB_TABLE")
        if kind == "dynamodb" and not table:
            raise ValueError("PERSISTENCE=dynamodb needs DYNAMODB_TABLE: the table's name")
        return cls(
            skill_id=text("SKILL_ID"),
            persistence=kind,
            db_path=default_db_path(environ, state) if kind == "sqlite" else None,
            dynamodb_table=table,
            aws_region=text("AWS_REGION") or text("AWS_DEFAULT_REGION"),
            audio_base_url=text("AUDIO_BASE_URL"),
            trust_forwarded_proto=(text("TRUST_FORWARDED_PROTO") or "").lower()
            in ("1", "true", "yes"),
            state_dir=state,
        )


def persistence_kind(environ):
    """PERSISTENCE, else dynamodb on AWS Lambda with a table, else sqlite."""
    kind = (environ.get("PERSISTENCE") or "").strip().lower()
    if not kind:
        on_lambda = environ.get("AWS_LAMBDA_FUNCTION_NAME")
        kind = "dynamodb" if on_lambda and environ.get("DYNAMODB_TABLE") else "sqlite"
    if kind not in PERSISTENCE_KINDS:
        raise ValueError(f"unknown PERSISTENCE={kind!r}; use sqlite, dynamodb or none")
    return kind


def default_state_dir(environ):
    """/tmp on Lambda (the only writable place), else the user's state folder."""
    if environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        return Path("/tmp/gentle-back-guide")
    state = environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state) / "gentle-back-guide"


def default_db_path(environ, state_dir):
    """SKILL_DB, else attributes.sqlite3 in the state folder."""
    if environ.get("SKILL_DB"):
        return Path(environ["SKILL_DB"])
    return state_dir / "attributes.sqlite3"
