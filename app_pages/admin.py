"""Admin page: add and remove editor accounts; download the store as the next data/ baseline."""

import streamlit as st

from parks.files.baseline import baseline_zip
from parks.store.accounts import ROLES, AuthError, add_editor, list_editors, remove_editor
from ui import loaders
from ui.i18n import lang, t
from ui.login import require_editor
from ui.plain_text import plain
from ui.settings import settings

admin = require_editor(admin=True)
editors = settings().editors_file
language = lang()
st.title(t("admin_title"))

st.subheader(t("admin_editors"))
table_slot = st.empty()  # filled last, so it shows the accounts after this run's change
with st.form("admin_add", clear_on_submit=True):
    st.markdown(f"**{t('admin_add')}**")
    name = st.text_input(t("login_name"), key="admin_new_name")
    password = st.text_input(t("login_password"), type="password", key="admin_new_password")
    role = st.radio(t("admin_role"), ROLES, horizontal=True, key="admin_new_role",
                    format_func=lambda r: t(f"role_{r}", language))
    replace = st.checkbox(t("admin_replace"), key="admin_replace")
    if st.form_submit_button(t("admin_add")):
        try:
            add_editor(name.strip(), password, role, path=editors, replace=replace)
            st.success(t("admin_added").format(name=name.strip()))
        except AuthError as error:
            st.error(plain(error))
others = [e.name for e in list_editors(editors) if e.name != admin.name]  # nobody removes themselves
gone = st.selectbox(t("admin_remove"), ["", *others], key="admin_remove_name")
if st.button(t("admin_remove"), disabled=not gone, key="admin_remove"):
    try:
        remove_editor(gone, path=editors)
        st.success(t("admin_removed").format(name=gone))
    except AuthError as error:
        st.error(plain(error))

table_slot.dataframe([{t("login_name"): e.name, t("admin_role"): t(f"role_{e.role}", language)}
                      for e in list_editors(editors)], hide_index=True)

st.subheader(t("admin_baseline"))
st.caption(t("admin_baseline_help"))
store = loaders.store()
st.download_button(t("admin_baseline_download"),
                   data=lambda: baseline_zip(store, loaders.data_dir()),
                   file_name=f"heze-baseline-v{store.version()}.zip", mime="application/zip",
                   key="admin_baseline")
