"""The edit page's 四至 box: a park's candidate outline from its 四至 and the OSM data, to adopt."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from parks.files.sizhi_outline import SOURCE, SizhiReport, sizhi_candidate
from ui.edit_state import EditState, flash
from ui.i18n import t
from ui.plain_text import plain
from ui.settings import settings

_COLUMNS = {"side": "sizhi_side", "written": "sizhi_written", "osm": "sizhi_osm",
            "score": "sizhi_score", "support": "sizhi_support"}


def _adopt(state: EditState, shape_wkt: str, what: str) -> None:
    st.session_state[f"location_reason_{state.record_id}"] = f"outline from {what}"
    state.set(outline=shape_wkt)  # pending: shown on the map, saved as digitised


def _sides(report: SizhiReport, lang: str) -> pd.DataFrame:
    frame = pd.DataFrame(list(report.sides), columns=[*_COLUMNS, "missing"])[list(_COLUMNS)]
    return frame.rename(columns={k: t(v, lang) for k, v in _COLUMNS.items()})


def _landuse(state: EditState, report: SizhiReport, lang: str) -> None:
    if not report.landuse:
        return
    st.markdown(f"**{t('edit_sizhi_landuse', lang)}**")
    names = [f"{a['name'] or t('sizhi_unnamed', lang)} · {a['area_km2']:.2f} km² · "
             f"{a['distance_km']:.1f} km" for a in report.landuse]
    pick = st.selectbox(t("edit_sizhi_landuse", lang), range(len(names)), format_func=names.__getitem__,
                        key=f"sizhi_landuse_{state.record_id}", label_visibility="collapsed")
    if st.button(t("edit_sizhi_use_landuse", lang), key=f"sizhi_use_landuse_{state.record_id}"):
        _adopt(state, report.landuse_shapes[pick].wkt, "OpenStreetMap landuse=industrial")
        st.rerun()


def _show(state: EditState, report: SizhiReport, lang: str) -> None:
    if report.sides:
        st.dataframe(_sides(report, lang), hide_index=True)
    if report.shape is None:
        st.error("\n".join([t("edit_sizhi_bad", lang), *(f"- {plain(p)}" for p in report.problems)]))
    else:
        level = t(f"sizhi_level_{report.level}", lang)
        st.info(t("edit_sizhi_result", lang).format(a=report.area_km2, c=report.confidence,
                                                    level=level))
        for note in report.notes:
            st.caption(note)
        if st.button(t("edit_sizhi_use", lang), key=f"sizhi_use_{state.record_id}"):
            _adopt(state, report.shape.wkt, SOURCE)
            flash(t("edit_sizhi_result", lang).format(a=report.area_km2, c=report.confidence,
                                                      level=level))
            st.rerun()
    _landuse(state, report, lang)


def sizhi_box(state: EditState, record: Mapping[str, str], located: pd.Series | None,
              county: pd.DataFrame, lang: str) -> None:
    """The park's 四至 (as edited) matched on the basemap archive: which clause matched which
    feature, how sure, the enclosed candidate to adopt as the pending outline."""
    with st.expander(t("edit_sizhi", lang)):
        text = str(record.get("sizhi", "") or "")
        if not text:
            st.caption(t("edit_sizhi_none", lang))
            return
        st.text(text)  # as written, never read as markdown
        archive = settings().basemap_path
        if not archive.is_file():
            st.info(t("edit_sizhi_no_osm", lang))
            return
        key = f"sizhi_report_{state.record_id}"
        if st.button(t("edit_sizhi_find", lang), key=f"sizhi_find_{state.record_id}"):
            park = pd.Series({**(located.to_dict() if located is not None else {}), **record})
            if located is not None:  # the point the dataset located (town or county seat)
                park[["lon", "lat"]] = located[["lon", "lat"]].to_numpy()
            geometry = county.geometry.iloc[0] if len(county) else None
            st.session_state[key] = sizhi_candidate(park, geometry, archive)
        if (report := st.session_state.get(key)) is not None:
            _show(state, report, lang)
