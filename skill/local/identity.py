"""The person using the guide on this computer, the same from one run to the next.

Alexa tells the guide who is speaking; on a computer the chat and speaker mode keep a user
id of their own in the state folder, so a returning visitor is greeted as one and can
continue a routine. `--new-user` starts afresh (the old id is left to its memories).
"""

import logging
import os
import tempfile
import uuid

log = logging.getLogger(__name__)

FILE = "local-user-id"
PREFIX = "amzn1.ask.account.local-"


def local_user_id(state_dir, new=False):
    """This computer's user id, made (and kept) on first use or when `new`.

    Without a state folder, or when it cannot be written, the id lasts this run only.
    """
    if state_dir is None:
        return _fresh()
    path = state_dir / FILE
    if not new:
        try:
            kept = path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            kept = ""
        except OSError as error:
            log.warning("cannot read %s (%s): a new user for this run", path, error)
            return _fresh()
        if kept.startswith(PREFIX):
            return kept
        if kept:
            log.warning("%s holds no user id: starting a new one", path)
    user_id = _fresh()
    try:
        _write(path, user_id)
    except OSError as error:
        log.warning("cannot keep the user id in %s (%s): it lasts this run only", path, error)
    return user_id


def _fresh():
    return PREFIX + str(uuid.uuid4())


def _write(path, text):
    """All or nothing: a crash mid-write leaves the old id, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{FILE}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
