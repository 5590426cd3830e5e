"""The map page's export panel: one button per format, a progress status, then a download."""

from __future__ import annotations

import hashlib

import streamlit as st

from geo.basemaps import Basemap
from geo.snapshot import NoBrowserError
from parks.analysis.query import Filters, Selection
from parks.display.print_map import BriefingSpec
from parks.files.exports import FORMATS, export
from parks.model.dataset import Dataset
from ui import loaders
from ui.i18n import t

LABELS = {"png": "PNG", "pdf": "PDF", "pptx": "PPTX", "html": "HTML", "csv": "CSV",
          "geojson": "GeoJSON", "xlsx": "XLSX"}


def label(fmt: str) -> str:
    """The button label of an export format (the snapshot's text for one not in LABELS)."""
    return LABELS.get(fmt) or t("export_snapshot")


def _signature(*parts: object) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def export_panel(dataset: Dataset, selection: Selection, filters: Filters, *, lang: str,
                 system: str, layers: tuple[str, ...], basemap: Basemap) -> None:
    """A switch that opens the export form: title, size, format and a download of the map shown."""
    # a switch, not an expander: a closed expander's widgets are still sent and redrawn on
    # every filter change (~15 elements), a switch that is off draws nothing
    if not st.toggle(t("export_title"), key="map_export_open"):
        return
    with st.container(border=True):
        st.caption(t("export_help"))
        cols = st.columns([3, 1, 1, 1])
        title = cols[0].text_input(t("export_map_title"), key="map_export_title",
                                   placeholder=t("export_title_placeholder"))
        width = cols[1].number_input(t("export_width"), 600, 6000, 1600, 100,
                                     key="map_export_width")
        height = cols[2].number_input(t("export_height"), 400, 6000, 1200, 100,
                                      key="map_export_height")
        dpi = cols[3].number_input("DPI", 72, 600, 150, 10, key="map_export_dpi")
        spec = BriefingSpec(lang=lang, system=system, layers=layers, title=title,
                            width_px=int(width), height_px=int(height), dpi=int(dpi))
        signature = _signature(filters, spec, basemap.key, dataset.as_of,
                               [len(f) for f in selection.frames().values()])
        made = st.session_state.setdefault("map_exports", {})
        if made.get("signature") != signature:  # the view changed: old files are stale
            made.clear()
            made["signature"] = signature
        buttons = st.columns(len(FORMATS))
        for col, fmt in zip(buttons, FORMATS, strict=True):
            if col.button(label(fmt), key=f"map_export_make_{fmt}", width="stretch"):
                _make(fmt, dataset, selection, spec, filters, basemap, made)
        for fmt in FORMATS:
            if fmt in made:
                result = made[fmt]
                st.download_button(f"{t('export_download')} {result.filename}", result.data,
                                   file_name=result.filename, mime=result.mime,
                                   key=f"map_export_download_{fmt}")


def _make(fmt: str, dataset: Dataset, selection: Selection, spec: BriefingSpec,
          filters: Filters, basemap: Basemap, made: dict) -> None:
    with st.status(f"{t('export_making')} {label(fmt)}…", expanded=False) as status:
        try:
            made[fmt] = export(fmt, dataset, selection, spec, filters, basemap=basemap,
                               name=f"heze-{dataset.region.adcode}-{dataset.as_of or 'map'}",
                               inside=loaders.inside(dataset))
        except NoBrowserError as error:
            status.update(label=t("export_no_browser"), state="error")
            st.error(str(error))
            return
        status.update(label=f"{label(fmt)} ✔", state="complete")
