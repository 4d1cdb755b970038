"""The local user id kept in the state folder: one per computer, kept whole."""

import logging

import pytest

from skill.local import identity
from skill.local.identity import FILE, PREFIX, local_user_id


def test_the_id_is_made_once_and_kept(tmp_path):
    first = local_user_id(tmp_path)
    assert first.startswith(PREFIX)
    assert local_user_id(tmp_path) == first
    assert (tmp_path / FILE).read_text().strip() == first


def test_the_state_folder_is_made_when_missing(tmp_path):
    folder = tmp_path / "state" / "gentle-back-guide"
    assert local_user_id(folder) == local_user_id(folder)


def test_new_replaces_the_kept_id(tmp_path):
    first = local_user_id(tmp_path)
    second = local_user_id(tmp_path, new=True)
    assert second != first and local_user_id(tmp_path) == second


def test_no_state_folder_means_a_new_id_every_run():
    assert local_user_id(None) != local_user_id(None)


def test_a_damaged_file_is_replaced_with_a_warning(tmp_path, caplog):
    (tmp_path / FILE).write_text("\x00garbage")
    with caplog.at_level(logging.WARNING):
        user = local_user_id(tmp_path)
    assert user.startswith(PREFIX)
    assert "holds no user id" in caplog.text
    assert local_user_id(tmp_path) == user


def test_an_unwritable_state_folder_still_gives_an_id(tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    with caplog.at_level(logging.WARNING):
        assert local_user_id(blocked / "gentle-back-guide").startswith(PREFIX)
    assert "this run" in caplog.text


def test_an_interrupted_write_keeps_the_old_id(tmp_path, monkeypatch):
    first = local_user_id(tmp_path)

    def crash(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(identity.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        local_user_id(tmp_path, new=True)
    assert local_user_id(tmp_path) == first
    assert [p.name for p in tmp_path.iterdir()] == [FILE]  # no half-written file left
