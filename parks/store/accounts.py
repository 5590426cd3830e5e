"""Editors who may change the working store: scrypt-hashed passwords in a small JSON file."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROLES = ("editor", "admin")  # admins also manage editors and export the baseline
MIN_PASSWORD = 8
_NAME = re.compile(r"^[\w.\-]{2,32}$")  # \w includes CJK: 张三 is a fine user name
# scrypt cost: ~50 ms per check here, so guessing is slow while logging in is not
_N, _R, _P = 2**14, 8, 1


class AuthError(ValueError):
    """An editors file, name, password or role that cannot be used; the message says why."""


@dataclass(frozen=True)
class Editor:
    """A person allowed to edit: the login name and the role ("admin" or "editor")."""

    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        """True for an administrator (may manage editors), False for an editor."""
        return self.role == "admin"


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32,
                          maxmem=64 * 1024 * 1024)


def _read(path: Path) -> dict[str, dict[str, str]]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        editors = data["editors"]
        if not isinstance(editors, dict):
            raise TypeError("editors is not an object")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AuthError(f"{path} is not an editors file of this app ({exc})") from exc
    return editors


def _write(path: Path, editors: dict[str, dict[str, str]]) -> None:
    """Atomic replace, readable by the owner only: the file holds password hashes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"version": 1, "editors": editors}, handle, ensure_ascii=False, indent=1)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def list_editors(path: Path) -> list[Editor]:
    """The editor accounts of `path`, by name (no password hashes)."""
    editors = _read(path)
    return [Editor(name, entry.get("role", "editor")) for name, entry in sorted(editors.items())]


def check_new(name: str, password: str, role: str) -> list[str]:
    """Every reason the new account cannot be made (empty when it can)."""
    reasons = []
    if not _NAME.match(name or ""):
        reasons.append("name: 2–32 letters, digits, '.', '_' or '-'")
    if len(password or "") < MIN_PASSWORD:
        reasons.append(f"password: at least {MIN_PASSWORD} characters")
    if role not in ROLES:
        reasons.append(f"role: one of {', '.join(ROLES)}, not {role!r}")
    return reasons


def add_editor(name: str, password: str, role: str = "editor", *, path: Path,
               replace: bool = False) -> Editor:
    """Create an account (or, with replace, reset an existing one's password and role)."""
    reasons = check_new(name, password, role)
    if reasons:
        raise AuthError("; ".join(reasons))
    editors = _read(path)
    if name in editors and not replace:
        raise AuthError(f"an editor named {name!r} exists already")
    if replace and name not in editors:
        raise AuthError(f"no editor named {name!r}")
    salt = secrets.token_bytes(16)
    editors[name] = {"role": role, "salt": salt.hex(), "scrypt": _hash(password, salt).hex(),
                     "changed": datetime.now(UTC).isoformat(timespec="seconds")}
    _write(path, editors)
    return Editor(name, role)


def remove_editor(name: str, *, path: Path) -> None:
    """Remove an account; the last admin stays, or nobody could manage editors any more."""
    editors = _read(path)
    if name not in editors:
        raise AuthError(f"no editor named {name!r}")
    admins = [n for n, e in editors.items() if e.get("role") == "admin"]
    if admins == [name]:
        raise AuthError(f"{name!r} is the last admin; add another admin first")
    del editors[name]
    _write(path, editors)


def verify(name: str, password: str, *, path: Path) -> Editor | None:
    """The editor when the password matches, else None (same work either way)."""
    editors = _read(path)
    entry = editors.get(name)
    salt = bytes.fromhex(entry["salt"]) if entry else b"\0" * 16
    computed = _hash(password or "", salt)  # hashed even for unknown names: no timing hint
    if entry is None or not hmac.compare_digest(computed, bytes.fromhex(entry["scrypt"])):
        return None
    return Editor(name, entry.get("role", "editor"))


def account_stamp(name: str, *, path: Path) -> tuple[str, str] | None:
    """A fingerprint of the editor's stored password hash and role, and the role; None when
    there is no such editor. A login token carries the fingerprint: a new password, a new role
    or removal ends it."""
    entry = _read(path).get(name)
    if entry is None:
        return None
    role = entry.get("role", "editor")
    return hashlib.sha256(f"{entry.get('scrypt')}:{role}".encode()).hexdigest()[:16], role


@dataclass
class Throttle:
    """Failed logins per name: after `limit` failures within `window_s`, that name waits
    `lock_s` seconds. One instance per server, shared by the sessions' threads, hence the lock;
    scrypt already makes each guess slow."""

    limit: int = 5
    window_s: float = 600.0
    lock_s: float = 300.0
    failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def wait_s(self, name: str, now: float) -> float:
        """Seconds `name` must wait before the next try (0.0 when it may try now)."""
        with self._lock:
            recent = [t for t in self.failures.get(name, []) if now - t < self.window_s]
        if len(recent) < self.limit:
            return 0.0
        return max(0.0, recent[-1] + self.lock_s - now)

    def failed(self, name: str, now: float) -> None:
        """Count a failed login of `name` at `now`."""
        with self._lock:  # read-modify-write: two threads must not both start from the old list
            recent = [t for t in self.failures.get(name, []) if now - t < self.window_s]
            self.failures[name] = [*recent, now]

    def succeeded(self, name: str) -> None:
        """Forget the failures of `name` after a good login."""
        with self._lock:
            self.failures.pop(name, None)
