"""Compare up to four parks side by side; download the comparison as XLSX or CSV."""

import streamlit as st

from parks.analysis.compare import MAX_PARKS, compare_parks
from parks.analysis.ranking import CANDIDATE_KINDS
from parks.files.exports import comparison_csv, comparison_xlsx
from ui import loaders
from ui.i18n import lang, t
from ui.park_widgets import park_label, park_options
from ui.permalink import publish, restore
from ui.session import keep_valid, region

restore("compare")
language = lang()
dataset = loaders.dataset(region())
if dataset is None:
    st.stop()
st.title(t("compare_title"))
options = park_options(dataset, CANDIDATE_KINDS) + [
    i for i in park_options(dataset) if i not in park_options(dataset, CANDIDATE_KINDS)]
keep_valid("compare_ids", options, [], most=MAX_PARKS)
ids = st.multiselect(t("compare_pick"), options, key="compare_ids", max_selections=MAX_PARKS,
                     format_func=lambda i: park_label(dataset, i, language),
                     placeholder=t("compare_placeholder"))
publish("compare")
if not ids:
    st.info(t("compare_help"))
    st.stop()
table = compare_parks(dataset, ids, language, loaders.memberships(dataset))
st.dataframe(table, hide_index=True, width="stretch", key="compare_table", height=640)
one, two = st.columns(2)
one.download_button(t("compare_xlsx"), comparison_xlsx(table), file_name="park-comparison.xlsx",
                    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    key="compare_download_xlsx")
two.download_button(t("compare_csv"), comparison_csv(table), file_name="park-comparison.csv",
                    mime="text/csv", key="compare_download_csv")
for park_id in ids:
    link = f"{t('compare_profile')}：{park_label(dataset, park_id, language)}"
    st.page_link("app_pages/park.py", label=link, query_params={"id": park_id})
