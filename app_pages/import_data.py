"""Import page: upload CSV/XLSX → map columns → validate and geocode → preview → commit."""

import hashlib

import streamlit as st

from parks.display.map_look import MapLook
from parks.display.records_map import records_map
from parks.files.geocoder import address_geocoder, region_locator
from parks.files.importing import prepare_import, report_csv
from parks.files.uploads import UploadError, match_headers, read_upload
from parks.model.schema import SPECS
from ui import loaders
from ui.i18n import lang, t
from ui.import_review import (
    Progress,
    commit_import,
    file_box,
    import_settings,
    mapping_editor,
    preview_selection,
    report_table,
)
from ui.login import require_editor
from ui.map_widget import show_map
from ui.plain_text import plain
from ui.session import region
from ui.settings import settings

editor = require_editor()
language = lang()
dataset = loaders.dataset(region())
if dataset is None:
    st.stop()
st.title(t("import_title"))
st.caption(t("import_intro"))

kind = st.radio(t("import_kind"), list(SPECS), key="import_kind", horizontal=True,
                format_func=lambda name: SPECS[name].label.get(language))
file = file_box(kind, language)
if file is None:
    st.stop()
try:
    upload = read_upload(file.getvalue(), file.name)
except UploadError as error:
    st.error(plain(error))
    st.stop()
st.caption(f"{t('import_read')}: {len(upload.frame)} · {upload.encoding}")

mapping = mapping_editor(match_headers(list(upload.frame.columns), SPECS[kind], upload.frame),
                         SPECS[kind], key=f"import_mapping_{kind}_{file.file_id}_{language}",
                         lang=language)
defaults = import_settings(kind, dataset.region.adcode, file.name, mapping, language)
signature = hashlib.sha1(f"{file.file_id}|{kind}|{sorted(mapping.items())}|{defaults}".encode()).hexdigest()
if st.button(t("import_check"), key="import_check", type="primary", disabled=defaults is None):
    st.session_state["import_preview"] = (signature, prepare_import(
        upload, mapping, defaults, locate_address=address_geocoder(
            dataset.region.adcode, settings().services,
            region_locator(dataset.region.adcode, dataset.counties, dataset.gazetteer.town_points()),
            data_dir=loaders.data_dir()),
        ctx=loaders.validation_ctx(), stored=loaders.store().read_tables(),
        progress=Progress(t("import_progress"))))

saved = st.session_state.get("import_preview")
if not saved or saved[0] != signature:
    st.stop()
preview = saved[1]
ok, bad = len(preview.records), preview.failed
(st.success if not bad else st.warning)(t("import_summary").format(ok=ok, bad=bad))
st.dataframe(report_table(preview.report, language), hide_index=True, width="stretch",
             key="import_report")
st.download_button(t("import_report_csv"), report_csv(preview, language), file_name="import-report.csv",
                   mime="text/csv", key="import_download")
if ok:
    look = MapLook(loaders.local_basemap(), language, asset_base_url=loaders.asset_base_url())
    show_map(records_map(dataset, preview_selection(dataset, kind, preview.records), look),
             key="import_map", height=480)
    if st.button(t("import_commit"), key="import_commit"):
        commit_import(preview, user=editor.name, filename=file.name, language=language)
