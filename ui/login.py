"""Editor login in the sidebar; pages that change records call require_editor() first."""

from __future__ import annotations

import time

import streamlit as st

from parks.store import login_token
from parks.store.accounts import (
    AuthError,
    Editor,
    Throttle,
    account_stamp,
    list_editors,
    verify,
)
from ui.i18n import t
from ui.plain_text import plain
from ui.settings import settings

_KEY = "editor"
_COOKIE_WRITE = "_login_cookie"  # a token to store in the browser ("" clears it) on this run
_COOKIE_SEEN = "_login_cookie_seen"  # the cookie this session already tried
_LOGGED_OUT = "_logged_out"  # this session logged out: its request's cookie no longer counts
_STAMP = "_editor_stamp"  # the account's fingerprint at login: a change ends the session


@st.cache_resource
def _throttle() -> Throttle:
    """Failed logins per name, shared by every session of this server."""
    return Throttle()


def current_editor() -> Editor | None:
    """The logged-in editor of this session, or None (session_editor has checked the account
    on this run)."""
    editor = st.session_state.get(_KEY)
    return editor if isinstance(editor, Editor) else None


def _recheck() -> None:
    """The account read again, once a run before any page (every save, import and admin action
    is a run): a removed editor, a new role or a new password ends the session."""
    editor = current_editor()
    if editor is None:
        return
    try:
        now = account_stamp(editor.name, path=settings().editors_file)
    except AuthError:
        now = None  # an unreadable editors file lets nobody write
    if now is None or now != st.session_state.get(_STAMP):
        _log_out()
        st.session_state["login_message"] = t("login_revoked")


def _admit(editor: Editor) -> None:
    """Log the editor in for this session, remembering the account as it is now."""
    st.session_state[_KEY] = editor
    st.session_state[_STAMP] = account_stamp(editor.name, path=settings().editors_file)


def _log_in() -> None:
    """Form callback: runs before the page, so the whole page already sees the login."""
    name = str(st.session_state.get("login_name", "")).strip()
    password = str(st.session_state.get("login_password", ""))
    throttle, now = _throttle(), time.monotonic()
    wait = throttle.wait_s(name, now)
    if wait:
        st.session_state["login_message"] = t("login_wait").format(s=int(wait) + 1)
        return
    try:
        editor = verify(name, password, path=settings().editors_file)
    except AuthError as error:
        st.session_state["login_message"] = str(error)
        return
    if editor is None:
        throttle.failed(name, now)
        st.session_state["login_message"] = t("login_failed")
        return
    throttle.succeeded(name)
    _admit(editor)
    st.session_state.pop("login_message", None)
    st.session_state.pop(_LOGGED_OUT, None)
    st.session_state[_COOKIE_WRITE] = login_token.issue(editor, settings().editors_file, time.time())


def _log_out() -> None:
    st.session_state.pop(_KEY, None)
    st.session_state.pop(_STAMP, None)
    st.session_state[_LOGGED_OUT] = True
    st.session_state[_COOKIE_WRITE] = ""


def _from_cookie() -> None:
    """A reload or a typed address starts a new session: the login comes back from the
    browser's signed, expiring token (parks.store.login_token) unless this session logged out."""
    if current_editor() is not None or st.session_state.get(_LOGGED_OUT):
        return
    token = st.context.cookies.get(login_token.COOKIE)
    if st.session_state.get(_COOKIE_SEEN) == token:  # redeemed or refused once: not every rerun
        return
    st.session_state[_COOKIE_SEEN] = token
    if isinstance(token, str) and (editor := login_token.redeem(token, settings().editors_file, time.time())):
        _admit(editor)


def _write_cookie() -> None:
    """Store (or clear) the token in the browser: script the app writes itself, no user text."""
    token = st.session_state.pop(_COOKIE_WRITE, None)
    if token is None:
        return
    age = int(login_token.HOURS * 3600) if token else 0
    st.html(f"""<script>document.cookie = "{login_token.COOKIE}={token}; Max-Age={age}; Path=/; "
            + "SameSite=Strict" + (location.protocol === "https:" ? "; Secure" : "");</script>""",
            unsafe_allow_javascript=True)


def session_editor() -> Editor | None:
    """The session's editor after this run's account check and a login carried by the
    browser's cookie (app.py asks before every page, so the check guards every page's writes)."""
    _recheck()
    _from_cookie()
    return current_editor()


def login_box() -> Editor | None:
    """Sidebar: who is logged in and a log-out button, or the log-in form (after
    session_editor() on the same run)."""
    _write_cookie()
    editor = current_editor()
    box = st.sidebar.expander(t("login_title"), expanded=editor is not None)
    if editor is not None:
        box.caption(t("login_as").format(name=editor.name, role=t(f"role_{editor.role}")))
        box.button(t("logout"), key="logout", on_click=_log_out)
        return editor
    with box.form("login_form", clear_on_submit=True, border=False):
        st.text_input(t("login_name"), key="login_name")
        st.text_input(t("login_password"), type="password", key="login_password")
        st.form_submit_button(t("login"), on_click=_log_in)
    if message := st.session_state.get("login_message"):
        box.error(message)
    box.caption(t("login_help"))
    return None


def require_editor(*, admin: bool = False) -> Editor:
    """The logged-in editor; otherwise explain how to log in and stop the page."""
    editor = current_editor()
    if editor is None:
        st.info(t("login_needed"))
        try:
            if not list_editors(settings().editors_file):
                st.caption(t("login_no_editors"))
        except AuthError as error:
            st.error(plain(error))
        st.stop()
    if admin and not editor.is_admin:
        st.warning(t("admin_needed"))
        st.stop()
    return editor
