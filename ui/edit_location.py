"""The edit page's position section: map clicks and drawings, typed coordinates, area checks, save."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from shapely.geometry.base import BaseGeometry

from geo.basemaps import Basemap
from geo.labels import Label
from parks.display.edit_map import EditTarget, edit_map
from parks.display.map_look import MapLook
from parks.errors import DataValidationError
from parks.files.park_outline import check_outline, outline_precision
from parks.files.uploads import MAX_MB
from parks.model.dataset import Dataset
from parks.model.edits import (
    REMOVE,
    changed_fields,
    clicked_point,
    drawn_outline,
    edited_record,
    outline_report,
    outside_outline,
    placed_point,
    typed_point,
)
from parks.model.outlines import OutlineError, parse_outline
from parks.model.schema import TableSpec, field_label
from parks.model.vocab import CRS, PRECISION
from parks.store.accounts import Editor
from parks.store.base import Store
from ui import loaders
from ui.edit_state import EditState, flash, save
from ui.i18n import lang, t
from ui.map_filters import basemap_select
from ui.map_widget import MapInput, show_map
from ui.plain_text import plain
from ui.settings import settings
from ui.sizhi_box import sizhi_box


def _take_map_input(returned: Mapping | None, state: EditState, *, draw: bool, crs: str,
                    has_outline: bool) -> None:
    """A click (move mode) or the Draw layer (draw mode) becomes unsaved state, then a rerun."""
    taken = MapInput.from_st_folium(returned)
    if not draw and taken.clicked is not None:
        point = clicked_point(*taken.clicked, crs)
        if point != state.point:
            state.set(point=point)
            st.rerun()
    drawings = taken.drawings
    if draw and drawings is not None:
        try:
            outline = drawn_outline(drawings, crs)
        except OutlineError as error:
            flash(t("edit_outline_bad").format(msg=error), "error")
            state.set()  # a fresh map: the bad polygon is dropped
            st.rerun()
        wkt = outline.wkt if outline is not None else (REMOVE if has_outline else None)
        if wkt is not None and wkt != state.outline:
            state.set(outline=wkt)
            st.rerun()


def current_outline(stored: str, state: EditState) -> BaseGeometry | None:
    """The outline the map shows: the unsaved one, else the stored one; None when removed or absent."""
    if state.outline == REMOVE:
        return None
    text = state.outline or stored
    return parse_outline(text) if text else None


@dataclass(frozen=True)
class MapContext:
    """What the location map needs besides the record."""

    dataset: Dataset
    basemap: Basemap
    lang: str
    draw: bool
    kind: str = ""


def location_map(ctx: MapContext, record: Mapping[str, str], located: pd.Series | None,
                 state: EditState) -> None:
    """The map: the saved point (from the loaded dataset), unsaved point, outline in Draw."""
    point = (float(located["lon"]), float(located["lat"])) if located is not None and pd.notna(
        located["lon"]) else None
    outline = current_outline(record.get("boundary", ""), state)
    pending = (state.point.lon, state.point.lat) if state.point else None
    precision = PRECISION.label(record.get("precision", ""), ctx.lang)
    approx = located is not None and bool(located["approximate"])
    labels = (t("edit_current_approx").format(p=precision) if approx else t("edit_current"),
              t("edit_new_point"))
    target = EditTarget(state.record_id, point, outline, pending, labels, ctx.kind, approx)
    look = MapLook(ctx.basemap, ctx.lang, asset_base_url=loaders.asset_base_url())
    fmap = edit_map(ctx.dataset, target, look, draw=ctx.draw)
    wanted = ["all_drawings"] if ctx.draw else ["last_clicked"]
    returned = show_map(fmap, key=f"edit_map_{state.table}_{state.record_id}_{state.generation}",
                        height=520, returned_objects=wanted)
    _take_map_input(returned, state, draw=ctx.draw, crs=ctx.basemap.crs,
                    has_outline=bool(record.get("boundary")))
    st.caption(t("edit_map_caption"))


def typed_point_box(state: EditState, record_id: str) -> None:
    """A small form for typing lon/lat with its datum; a valid point becomes the unsaved point."""
    with st.form(f"typed_{state.table}_{record_id}_{state.generation}", border=False):
        st.markdown(f"**{t('edit_typed')}**")
        left, right = st.columns(2)
        lon = left.text_input("lon", key=f"typed_lon_{record_id}")
        lat = right.text_input("lat", key=f"typed_lat_{record_id}")
        datum = st.radio(field_label("crs", lang()), CRS.codes, horizontal=True,
                         key=f"typed_datum_{record_id}",
                         format_func=lambda d: CRS.label(d, lang()))
        if st.form_submit_button(t("edit_use_typed")):
            try:
                state.set(point=typed_point(lon, lat, datum, record_id=record_id))
                st.rerun()
            except DataValidationError as error:
                for problem in error.problems:
                    st.error(str(problem))


def outline_summary(outline: BaseGeometry | None, record: Mapping[str, str],
                    county: BaseGeometry | None, county_name: str) -> None:
    """Drawn vs published area, the >20% warning and the outside-county refusal in advance."""
    if outline is None:
        return
    published = float(record["area_km2"]) if record.get("area_km2") else None
    report = outline_report(outline, published, county)
    text = t("edit_outline_drawn").format(d=report.drawn_km2) + " · " + (
        t("edit_outline_published").format(p=published) if published else
        t("edit_outline_none_published"))
    st.markdown(f"**{text}**")
    if report.note:
        st.warning(t("edit_outline_warn").format(gap=report.gap))
    if report.outside_share > 0.05:
        st.error(t("edit_outline_outside").format(s=report.outside_share, c=county_name))


def edits_of(record: Mapping[str, str], state: EditState) -> dict[str, str]:
    """The record with the unsaved point and outline applied; an outline still as read from a
    file, with no point moved by hand, takes that file's precision (a 界址点 table: surveyed)."""
    outline = state.outline
    shape = REMOVE if outline == REMOVE else (parse_outline(outline) if outline else None)
    move = bool(st.session_state.get(_move_key(state), False))
    new = edited_record(record, {}, point=state.point, outline=shape, move_inside=move)
    read, precision = st.session_state.get(_from_file(state), ("", ""))
    as_read = outline and outline == read and state.point is None
    return new | {"precision": precision} if as_read else new


POINT_OUTSIDE = Label("点位在新范围之外：保存时点位保持不动，除非勾选下面一项。",
                      "The point lies outside the new outline: saving keeps it where it is unless "
                      "you tick the box below.")
MOVE_INSIDE = Label("把点位移到范围内", "Move the point inside the outline")


def _move_key(state: EditState) -> str:
    """Session key of the 「把点位移到范围内」 checkbox for this record."""
    return f"move_inside_{state.record_id}_{state.generation}"


def move_inside_box(record: Mapping[str, str], state: EditState) -> None:
    """A new outline that leaves the editor's own point outside: say so and ask (off by
    default) whether to move the point inside; a point inside is never moved."""
    if state.outline in (None, REMOVE):
        return
    placed = placed_point(record, state.point)
    if outside_outline(parse_outline(state.outline), placed):
        st.warning(POINT_OUTSIDE.get(lang()))
        st.checkbox(MOVE_INSIDE.get(lang()), value=False, key=_move_key(state))


def _from_file(state: EditState) -> str:
    """Session key of the outline last read from a file for this record, and its precision."""
    return f"outline_read_{state.record_id}"


def has_location_edits(record: Mapping[str, str], state: EditState) -> bool:
    """True when the unsaved point or outline would change the record."""
    return bool(changed_fields(record, edits_of(record, state)))


OUTLINE_FILES = ["csv", "txt", "xlsx", "kml", "kmz", "dxf", "zip", "geojson", "json"]
OUTLINE_CRS = ["auto", "wgs84", "gcj02", "EPSG:4526", "EPSG:4527", "EPSG:4547", "EPSG:4548"]


def outline_file_box(state: EditState, record: Mapping[str, str], county: pd.DataFrame,
                     lang: str) -> None:
    """A document (界址点 table, KML/KMZ, DXF, zipped Shapefile, GeoJSON) read as the unsaved
    outline, checked like a drawn one; every problem is listed and nothing changes."""
    with st.expander(t("edit_outline_file")):
        crs = st.selectbox(t("edit_outline_crs"), OUTLINE_CRS, key=f"outline_crs_{state.record_id}",
                           format_func=lambda c: t("edit_outline_crs_auto", lang) if c == "auto" else c)
        upload = st.file_uploader(t("edit_outline_pick"), type=OUTLINE_FILES, max_upload_size=MAX_MB,
                                  key=f"outline_file_{state.record_id}_{state.generation}")
        if upload is None:
            return
        west, south, east, north = county.total_bounds if len(county) else (73, 3, 136, 54)
        park = pd.Series({**record, "county": county["name_zh"].iloc[0] if len(county) else ""})
        report = check_outline(park, county.geometry.iloc[0] if len(county) else None,
                               upload.getvalue(), upload.name,
                               (west - 1, south - 1, east + 1, north + 1), crs,
                               osm=settings().basemap_path)
        if report.problems:
            st.error("\n".join([t("edit_outline_file_bad", lang),
                                 *(f"- {plain(p)}" for p in report.problems)]))
            return
        st.session_state[f"location_reason_{state.record_id}"] = f"outline from {upload.name}"
        read = t("edit_outline_file_read", lang).format(crs=report.crs_reason, n=report.rings)
        # the area is checked below the picker, as for a drawn outline; a CRS caveat is said here
        flash(" ".join([read, report.crs_warning]).strip(),
              "warning" if report.crs_warning else "success")
        st.session_state[_from_file(state)] = (report.shape.wkt, outline_precision(upload.name))
        state.set(outline=report.shape.wkt)  # a new map and an empty picker: the outline is pending
        st.rerun()


def location_panel(store: Store, spec: TableSpec, state: EditState, record: Mapping[str, str],
                   located: pd.Series | None, dataset: Dataset, editor: Editor, lang: str) -> None:
    """Map on the left; tool, basemap, typed coordinates, area check and save on the right."""
    left, right = st.columns([3, 2])
    with right:
        tools = ["move", "draw"] if spec.name == "parks" else ["move"]
        tool = st.radio(t("edit_tool"), tools, key=f"edit_tool_{spec.name}",
                        format_func=lambda m: t(f"edit_tool_{m}", lang))
        if tool == "draw":
            st.caption(t("edit_tool_help"))
        basemap = basemap_select(lang, sidebar=False, name="edit_basemap")
        typed_point_box(state, state.record_id)
        county = dataset.counties[dataset.counties["adcode"] == record.get("county_adcode")]
        if tool == "draw":
            outline_file_box(state, record, county, lang)
            sizhi_box(state, record, located, county, lang)
        outline_summary(current_outline(record.get("boundary", ""), state), record,
                        county.geometry.iloc[0] if len(county) else None,
                        county["name_zh"].iloc[0] if len(county) else "")
        move_inside_box(record, state)
        st.caption(t("edit_precision_note"))
        reason = st.text_input(t("edit_reason"), key=f"location_reason_{state.record_id}")
        pending = has_location_edits(record, state)
        if st.button(t("edit_save_location"), type="primary", disabled=not pending,
                     key=f"save_location_{state.record_id}") and save(
                store, spec, state, edits_of(record, state), editor=editor, reason=reason,
                default_reason="moved point / drew outline"):
            st.rerun()
        st.button(t("edit_discard"), disabled=not pending, on_click=state.reset,
                  key=f"discard_{state.record_id}")
    with left:
        location_map(MapContext(dataset, basemap, lang, tool == "draw", record.get("kind", "")),
                     record, located, state)
