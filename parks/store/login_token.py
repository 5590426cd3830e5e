"""Signed, expiring login tokens: an editor's login survives a page reload for a working day.

The token is base64url(JSON {name, expiry, password fingerprint}) + "." + HMAC-SHA256 of it,
with a random key kept beside the editors file (readable by the owner only). The standard
library's hmac is all this needs: no new dependency, and the format is small enough to read
whole here. A token stops working when it expires, when its editor is removed or their
password reset (the fingerprint changes), or when the key file is deleted (everyone out).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from parks.store.accounts import AuthError, Editor, account_stamp

HOURS = 8.0  # a working day: a reload in the afternoon keeps the morning's login
COOKIE = "heze_login"


def key_path(editors_file: Path) -> Path:
    """Where the signing key lives: beside the editors file."""
    return editors_file.with_name(editors_file.name + ".login-key")


def _key(editors_file: Path) -> bytes:
    """The signing key, made on first use (owner-only, created atomically: two servers
    starting together agree on one)."""
    path = key_path(editors_file)
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
    except FileExistsError:
        pass
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def _sign(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def issue(editor: Editor, editors_file: Path, now: float, hours: float = HOURS) -> str:
    """A token for `editor`, valid `hours` from `now` (seconds since the epoch)."""
    stamp = account_stamp(editor.name, path=editors_file)
    if stamp is None:
        raise AuthError(f"no editor named {editor.name!r}")
    body = json.dumps({"n": editor.name, "exp": now + hours * 3600, "fp": stamp[0]},
                      ensure_ascii=False, separators=(",", ":")).encode()
    payload = base64.urlsafe_b64encode(body).rstrip(b"=")
    return f"{payload.decode()}.{_sign(_key(editors_file), payload)}"


def redeem(token: str, editors_file: Path, now: float) -> Editor | None:
    """The editor a token names, or None when it is forged, expired, or its editor was removed
    or given a new password or role since. Never raises on a bad token."""
    if not isinstance(token, str):  # a cookie jar may hand back anything
        return None
    payload, _, mac = token.partition(".")
    if not payload or not mac:
        return None
    try:
        if not hmac.compare_digest(_sign(_key(editors_file), payload.encode()), mac):
            return None
        body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        name, expiry, fingerprint = str(body["n"]), float(body["exp"]), str(body["fp"])
    except (ValueError, KeyError, TypeError, OSError):
        return None
    try:
        stamp = account_stamp(name, path=editors_file)
    except AuthError:  # an unreadable editors file lets nobody in
        return None
    if now >= expiry or stamp is None or stamp[0] != fingerprint:
        return None
    return Editor(name, stamp[1])
