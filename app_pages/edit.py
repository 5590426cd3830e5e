"""Edit page (editors only): a record's fields, its position and outline on the map, its history."""

import streamlit as st

from parks.model.edits import changed_fields, edited_record
from parks.model.schema import SPECS
from ui import loaders
from ui.edit_fields import field_form
from ui.edit_location import location_panel
from ui.edit_state import EditState, delete_section, history_section, save, show_flash
from ui.i18n import lang, t
from ui.login import require_editor
from ui.permalink import publish, restore
from ui.session import lang_key, region, remember

restore("edit")
editor = require_editor()
language = lang()
dataset = loaders.dataset(region())
if dataset is None:
    st.stop()
store = loaders.store()
st.title(t("edit_title"))
show_flash()

wanted = st.session_state.get("edit_record", "")  # from the link, or the last visit
tables = list(SPECS)
first = next((n for n in tables if wanted.startswith(SPECS[n].id_prefix + "-")), "parks")
table = remember("edit_table", st.radio(
    t("edit_table"), tables, horizontal=True, format_func=lambda name: SPECS[name].label.get(language),
    key=lang_key("edit_table", language, first, tables)))
frame = {"parks": dataset.parks, "enterprises": dataset.enterprises,
         "projects": dataset.projects}[table]
if frame.empty:
    st.info(t("edit_no_records"))
    st.stop()
names = {rid: f"{name} · {county or '—'} ({rid})" for rid, name, county in
         zip(frame["id"], frame["name_zh"], frame["county"], strict=True)}
ids = list(names)
record_id = remember("edit_record", st.selectbox(
    t("edit_record"), ids, format_func=names.get,
    key=lang_key("edit_record", language, wanted if wanted in ids else ids[0], ids)))
publish("edit")

spec = SPECS[table]
stored = store.read_tables()[table].set_index("id", drop=False)
record = stored.loc[record_id].to_dict()
located = frame.set_index("id").loc[record_id]
state = EditState(table, record_id)
revision = state.opened(store)

section = st.segmented_control(
    t("edit_section"), ["fields", "location", "history"], required=True, default="fields",
    key="edit_section", format_func=lambda k: t(f"edit_{k}", language))
if section == "fields":
    submitted = field_form(spec, record, dataset, language,
                           key=f"form_{table}_{record_id}_{revision}_{language}")
    if submitted is not None:
        values, reason = submitted
        new = edited_record(record, values)
        if not changed_fields(record, new):
            st.info(t("edit_nothing"))
        elif save(store, spec, state, new, editor=editor, reason=reason,
                  default_reason="edit fields"):
            st.rerun()
elif section == "location":
    location_panel(store, spec, state, record, located, dataset, editor, language)
else:
    history_section(store, state, editor)
    delete_section(store, state, editor)
