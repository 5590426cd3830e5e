"""Tests for parks.store.login_token: signed, expiring tokens that a new password, a new role,
removal or a deleted key ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from parks.store.accounts import Editor, add_editor, remove_editor
from parks.store.login_token import HOURS, issue, key_path, redeem

NOW = 1_800_000_000.0


@pytest.fixture
def editors(tmp_path: Path) -> Path:
    path = tmp_path / "editors.json"
    add_editor("王工", "first-pass-1", "admin", path=path)
    add_editor("lee", "second-pass-2", "editor", path=path)
    return path


def test_a_token_brings_its_editor_back_until_it_expires(editors):
    token = issue(Editor("lee", "editor"), editors, NOW)
    assert redeem(token, editors, NOW + 60) == Editor("lee", "editor")
    assert redeem(token, editors, NOW + HOURS * 3600 - 1) == Editor("lee", "editor")
    assert redeem(token, editors, NOW + HOURS * 3600) is None
    assert key_path(editors).stat().st_mode & 0o077 == 0  # the key is the owner's only


def test_forged_or_mangled_tokens_let_nobody_in(editors):
    token = issue(Editor("lee", "editor"), editors, NOW)
    payload, mac = token.split(".")
    other = issue(Editor("王工", "admin"), editors, NOW).split(".")[0]
    for bad in (f"{other}.{mac}", f"{payload}.{'0' * len(mac)}", payload, "", "x.y", ".", "é.é",
                None, 42, object()):
        assert redeem(bad, editors, NOW) is None, bad


def test_a_new_password_removal_or_a_new_key_ends_the_token(editors, tmp_path):
    token = issue(Editor("lee", "editor"), editors, NOW)
    add_editor("lee", "third-pass-3", "editor", path=editors, replace=True)
    assert redeem(token, editors, NOW) is None
    token = issue(Editor("lee", "editor"), editors, NOW)
    remove_editor("lee", path=editors)
    assert redeem(token, editors, NOW) is None
    token = issue(Editor("王工", "admin"), editors, NOW)
    key_path(editors).unlink()  # deleting the key logs everyone out
    assert redeem(token, editors, NOW) is None
