"""The map page's export panel: one button per format, a progress status, then a download."""

from __future__ import annotations

import hashlib
import urllib.parse

import streamlit as st

from geo.basemaps import Basemap
from geo.maps import view_bounds
from geo.snapshot import NoBrowserError
from parks.analysis.query import Filters, Selection
from parks.analysis.stats import data_date
from parks.display.print_map import BriefingSpec
from parks.files.exports import FORMATS, TooManyRowsError, export
from parks.model.dataset import Dataset
from ui import loaders
from ui.i18n import t
from ui.plain_text import plain
from ui.settings import settings

LABELS = {"pdf": "PDF", "pptx": "PPTX", "html": "HTML", "csv": "CSV",
          "geojson": "GeoJSON", "xlsx": "XLSX"}
# the map page's map: 700 px high (ui.map_widget); its width follows the window, so the view
# is taken by its height and the export widens it to its own shape
MAP_WIDTH_PX, MAP_HEIGHT_PX = 700, 700


def label(fmt: str) -> str:
    """The button label of an export format; the two PNGs say which is which."""
    return LABELS.get(fmt) or t(f"export_{fmt}")


def shown_view(lang: str) -> tuple[tuple[float, float, float, float] | None, str]:
    """When the user asks for the current view: its bounds (from the map's `view=` in the
    address, for the 700-px-high map), else None; and the link to what the export shows (the
    page's address under HEZE_PUBLIC_URL, its view only when the view is exported)."""
    query = st.query_params.to_dict()
    bbox = None
    if st.checkbox(t("export_current_view", lang), key="map_export_view"):
        bbox = view_bounds(query.get("view", ""), MAP_WIDTH_PX, MAP_HEIGHT_PX)
        if bbox is None:
            st.caption(t("export_view_unknown", lang))
    if bbox is None:
        query.pop("view", None)
    base = settings().public_url
    return bbox, (f"{base}/?{urllib.parse.urlencode(query, safe=',')}" if base else "")


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
        bbox, link = shown_view(lang)
        spec = BriefingSpec(lang=lang, system=system, layers=layers, title=title,
                            width_px=int(width), height_px=int(height), dpi=int(dpi),
                            bbox=bbox, link=link)
        signature = _signature(filters, spec, basemap.key, data_date(selection.frames()),
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
                               name=f"heze-{dataset.region.adcode}-"
                                    f"{data_date(selection.frames()) or 'undated'}",
                               inside=loaders.inside(dataset))
        except NoBrowserError as error:
            status.update(label=t("export_no_browser"), state="error")
            st.error(plain(error))
            return
        except TooManyRowsError as error:
            status.update(label=f"{label(fmt)} ✘", state="error")
            st.error(t("export_too_many_rows").format(fmt=label(fmt), rows=error.rows,
                                                       limit=error.limit))
            return
        status.update(label=f"{label(fmt)} ✔", state="complete")
