"""Tests for parks.store.accounts: hashed accounts in a private file, roles, the last admin, throttling."""

from __future__ import annotations

import io
import json
import stat
import subprocess
import sys
import threading

import pytest

from parks.__main__ import main
from parks.store.accounts import AuthError, Throttle, add_editor, list_editors, remove_editor, verify


@pytest.fixture
def path(tmp_path):
    return tmp_path / "editors.json"


def test_passwords_are_hashed_salted_and_verified(path):
    add_editor("王工", "secret-pass-1", "admin", path=path)
    add_editor("lee", "secret-pass-1", path=path)
    text = path.read_text(encoding="utf-8")
    assert "secret-pass-1" not in text
    entries = json.loads(text)["editors"]
    assert entries["王工"]["salt"] != entries["lee"]["salt"]
    assert entries["王工"]["scrypt"] != entries["lee"]["scrypt"]  # same password, other hash
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert verify("王工", "secret-pass-1", path=path).is_admin
    assert verify("lee", "secret-pass-1", path=path).role == "editor"
    assert verify("lee", "secret-pass-2", path=path) is None
    assert verify("nobody", "secret-pass-1", path=path) is None
    assert [e.name for e in list_editors(path)] == ["lee", "王工"]


def test_new_accounts_are_checked_all_at_once(path):
    with pytest.raises(AuthError) as info:
        add_editor("a b<c>", "short", "owner", path=path)
    message = str(info.value)
    assert "name:" in message and "password: at least 8" in message and "role:" in message
    assert not path.exists()  # nothing half-written


def test_duplicates_reset_and_the_last_admin(path):
    add_editor("boss", "boss-pass-1", "admin", path=path)
    with pytest.raises(AuthError, match="exists already"):
        add_editor("boss", "other-pass-1", path=path)
    with pytest.raises(AuthError, match="no editor named"):
        add_editor("ghost", "other-pass-1", path=path, replace=True)
    with pytest.raises(AuthError, match="last admin"):
        remove_editor("boss", path=path)
    add_editor("boss", "boss-pass-2", "admin", path=path, replace=True)
    assert verify("boss", "boss-pass-2", path=path) and not verify("boss", "boss-pass-1", path=path)
    add_editor("deputy", "deputy-pass", "admin", path=path)
    remove_editor("boss", path=path)
    assert [e.name for e in list_editors(path)] == ["deputy"]


def test_a_broken_editors_file_is_named(path):
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(AuthError, match="not an editors file"):
        verify("x", "y", path=path)


def test_throttle_waits_after_five_failures_and_forgets_old_ones():
    throttle = Throttle(limit=5, window_s=600, lock_s=300)
    for second in range(5):
        assert throttle.wait_s("x", second) == 0
        throttle.failed("x", second)
    assert throttle.wait_s("x", 10) == pytest.approx(294)
    assert throttle.wait_s("y", 10) == 0  # per name
    assert throttle.wait_s("x", 700) == 0  # outside the window
    throttle.succeeded("x")
    assert throttle.wait_s("x", 11) == 0


def test_throttle_changes_wait_for_the_lock_other_sessions_hold():
    throttle = Throttle(limit=1)
    with throttle._lock:  # another session's thread in the middle of a change
        writer = threading.Thread(target=throttle.failed, args=("x", 10.0))
        writer.start()
        writer.join(timeout=0.2)
        assert writer.is_alive() and throttle.failures == {}
    writer.join()
    assert throttle.failures == {"x": [10.0]} and throttle.wait_s("x", 11.0) > 0


def test_editors_cli_uses_heze_editors_file(path, capsys, monkeypatch):
    add_editor("ops", "cli-pass-123", "admin", path=path)
    monkeypatch.setenv("HEZE_EDITORS_FILE", str(path))
    assert main(["editors", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["ops\tadmin"]


def test_cli_adds_lists_and_removes(path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("cli-pass-123\n"))
    assert main(["editors", "add", "ops", "--admin", "--password-stdin", "--file", str(path)]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("cli-pass-456\n"))
    assert main(["editors", "add", "ann", "--password-stdin", "--file", str(path)]) == 0
    capsys.readouterr()
    assert main(["editors", "list", "--file", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == ["ann\teditor", "ops\tadmin"]
    assert main(["editors", "remove", "ops", "--file", str(path)]) == 2  # the last admin
    assert "last admin" in capsys.readouterr().err
    assert verify("ann", "cli-pass-456", path=path)


def test_cli_runs_as_a_module(path):
    done = subprocess.run([sys.executable, "-m", "parks", "editors", "add", "x1", "--admin",
                           "--password-stdin", "--file", str(path)], input="module-pass-1\n",
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert verify("x1", "module-pass-1", path=path).is_admin
