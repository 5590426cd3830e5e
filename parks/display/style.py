"""How records are drawn: marker styles, shared-point fan-out, legend and the records map."""

from __future__ import annotations

from collections.abc import Callable, Collection

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.cloud import CloudLayer
from geo.labels import Label
from geo.layers import seat_offsets, spread_coincident
from geo.maps import Legend, LegendItem, LegendSection
from parks.analysis.query import Selection, kept_rows
from parks.analysis.stats import counts_by_county
from parks.config import DEFAULT_CONFIG
from parks.display.popups import (
    display_name,
    enterprise_popup,
    outline_text,
    park_popup,
    project_popup,
)
from parks.model.dataset import Dataset
from parks.model.industries import UNCLASSIFIED_COLOUR, Taxonomy
from parks.model.outlines import outline_frame
from parks.model.vocab import APPROXIMATE, KIND, STAGE, STAGE_UNKNOWN_COLOUR

CHOROPLETH_COLOURS = ("#EFF3FF", "#BDD7E7", "#6BAED6", "#3182BD", "#08519C")  # ColorBrewer Blues
# the legend's words, then the canvas layer's and the offline notice
LEGEND = Label("图例", "Legend")
LEGEND_PARKS = Label("园区（形状/字：类型）", "Parks (shape/letter: kind)")
LEGEND_ENTERPRISES = Label("企业（颜色：产业）", "Enterprises (colour: industry)")
LEGEND_PROJECTS = Label("项目（颜色：阶段）", "Projects (colour: stage)")
LEGEND_PRECISION = Label("定位精度", "Location precision")
EXACT = Label("实测/标绘位置", "Surveyed/digitised")
APPROX = Label("近似位置（乡镇/县城驻地）", "Approximate (town/county seat)")
UNCLASSIFIED = Label("未分类", "Unclassified")
STAGE_UNKNOWN = Label("阶段未说明", "Stage not stated")
COUNTIES = Label("县区界", "County boundary")
OUTLINES = Label("园区范围（已标绘，颜色：类型）", "Park outline (drawn; colour: kind)")
LEGEND_NOTE = Label("空心虚线标记为近似位置；点击标记查看来源。",
                    "Hollow dashed markers are approximate; click a marker for its source.")
CLOUD_LOADING = Label("载入中…", "Loading…")
CLOUD_MANY = Label("此处有 {n} 家企业（近似位置可能重叠）：",
                   "{n} enterprises here (approximate points overlap):")
CLOUD_MORE = Label("另有 {n} 家，放大地图可分开", "{n} more; zoom in to tell them apart")
CLOUD_NO_DETAIL = Label("此文件只含位置与产业；详情请在应用中查看",
                        "This file holds positions and industries only; open the app for details")
OFFLINE = Label("底图瓦片无法访问，已切换为离线底图（县界）",
                "Tiles unreachable: showing the offline basemap (county outlines)")





def _base_points(frame: pd.DataFrame) -> pd.DataFrame:
    located = frame[frame.geometry.notna()] if len(frame) else frame
    out = pd.DataFrame({"lon": located["lon"].astype(float), "lat": located["lat"].astype(float),
                        "hollow": located["precision"].isin(APPROXIMATE)}, index=located.index)
    return out


def _styled(frame: pd.DataFrame, lang: str, colour: Callable[[pd.DataFrame], object],
            shape: Callable[[pd.DataFrame], object], glyph: Callable[[pd.DataFrame], object],
            popup: Callable[[object], str]) -> pd.DataFrame:
    """Point rows (geo.layers.POINT_COLUMNS) of the located records of `frame`."""
    pts = _base_points(frame)
    rows = frame.loc[pts.index]
    pts["colour"], pts["shape"], pts["glyph"] = colour(rows), shape(rows), glyph(rows)
    pts["popup"] = [popup(r) for r in rows.itertuples(index=False)]
    pts["tooltip"] = [r.name_en if lang == "en" and getattr(r, "name_en", "") else r.name_zh
                      for r in rows.itertuples(index=False)]
    return pts


def park_points(parks: pd.DataFrame, taxonomy: Taxonomy, lang: str,
                profile_url: str = "") -> pd.DataFrame:
    """Parks: colour and glyph by kind; chemical parks are diamonds, others squares; popups
    link to the profile page when `profile_url` ('{id}' in it) is given."""
    return _styled(
        parks, lang,
        colour=lambda rows: rows["kind"].map(lambda k: KIND.get(k).colour),
        shape=lambda rows: np.where(rows["kind"] == "chemical_park", "diamond", "square"),
        glyph=lambda rows: rows["kind"].map(lambda k: KIND.get(k).glyph.get(lang)),
        popup=lambda r: park_popup(r, tuple(c for c in r.industries.split(";") if c),
                                   taxonomy, lang, profile_url))


def enterprise_points(enterprises: pd.DataFrame, taxonomy: Taxonomy, lang: str,
                      system: str = "sei", park_names: dict[str, str] | None = None,
                      profile_url: str = "") -> pd.DataFrame:
    """Enterprises: circles coloured by industry in the chosen system's view."""
    names = park_names or {}
    return _styled(
        enterprises, lang,
        colour=lambda rows: rows["industry"].map(lambda c: taxonomy.colour(c, system)),
        shape=lambda _rows: "circle", glyph=lambda _rows: "",
        popup=lambda r: enterprise_popup(r, taxonomy, lang, names.get(r.park_id, ""),
                                         profile_url))


def project_points(projects: pd.DataFrame, taxonomy: Taxonomy, lang: str,
                   enterprise_names: dict[str, str] | None = None) -> pd.DataFrame:
    """Projects: triangles coloured by 四个一批 stage (grey when the source states none)."""
    names = enterprise_names or {}
    return _styled(
        projects, lang,
        colour=lambda rows: rows["stage"].map(
            lambda s: STAGE.get(s).colour if s else STAGE_UNKNOWN_COLOUR),
        shape=lambda _rows: "triangle", glyph=lambda _rows: "",
        popup=lambda r: project_popup(r, taxonomy, lang, names.get(r.enterprise_id, "")))


def outline_layer_frame(parks: pd.DataFrame, lang: str) -> gpd.GeoDataFrame:
    """Drawn park outlines: kind colour, tooltip with name and drawn vs published area."""
    frame = outline_frame(parks)
    names = [display_name(r, lang) for r in frame.itertuples(index=False)]
    areas = [outline_text(r.outline_km2, r.area_km2, lang) for r in frame.itertuples(index=False)]
    return frame.assign(label=names, colour=frame["kind"].map(lambda k: KIND.get(k).colour),
                        tooltip=[f"{n}：{a}" if lang != "en" else f"{n}: {a}"
                                 for n, a in zip(names, areas, strict=True)])


def enterprise_cloud(enterprises: pd.DataFrame, taxonomy: Taxonomy, lang: str, system: str,
                     name: str, detail_url: str = "",
                     bin_min: int = DEFAULT_CONFIG.bin_min) -> CloudLayer:
    """Many enterprises as one canvas layer: colour by industry, hollow when approximate."""
    # the four columns drawn, not a row copy of every column (0.4 GB at 1M, measured)
    drawn = enterprises[["industry", "lon", "lat", "precision"]]
    located = kept_rows(drawn, enterprises.geometry.notna()) if len(enterprises) else drawn
    # codes of the industries present (a categorical column also lists the filtered-out ones)
    codes, present = pd.factorize(located["industry"])
    colours = [taxonomy.colour(str(code), system) for code in present]
    palette = tuple(dict.fromkeys(colours)) or (UNCLASSIFIED_COLOUR,)
    index = {colour: i for i, colour in enumerate(palette)}
    category = np.array([index[c] for c in colours], dtype=np.uint8)[codes]
    return CloudLayer(name, "enterprises", located["lon"].to_numpy(float),
                      located["lat"].to_numpy(float), category,
                      located["precision"].isin(APPROXIMATE).to_numpy(), palette,
                      texts=cloud_texts(lang), detail_url=detail_url, bin_min=bin_min)


def cloud_texts(lang: str) -> dict[str, str]:
    """The canvas layer's texts, keyed as its JavaScript expects them."""
    texts = {"loading": CLOUD_LOADING, "many": CLOUD_MANY, "more": CLOUD_MORE,
             "noDetail": CLOUD_NO_DETAIL}
    return {key: label.get(lang) for key, label in texts.items()}


def spread_points(points: dict[str, pd.DataFrame], spacing_m: float,
                  note_html: str) -> dict[str, pd.DataFrame]:
    """Fan out records that share a coordinate, across all layers at once."""
    frames = [f.assign(_layer=name) for name, f in points.items() if len(f)]
    if not frames:
        return points
    allp = pd.concat(frames, ignore_index=True)
    lon, lat = spread_coincident(allp["lon"].to_numpy(), allp["lat"].to_numpy(), spacing_m)
    moved = (lon != allp["lon"].to_numpy()) | (lat != allp["lat"].to_numpy())
    allp["lon"], allp["lat"] = lon, lat
    # the note goes inside the popup's outer <div>
    allp.loc[moved, "popup"] = allp.loc[moved, "popup"].map(lambda p: p[:-6] + note_html + p[-6:])
    return {name: allp[allp["_layer"] == name].drop(columns="_layer").reset_index(drop=True)
            for name in points} | {n: f for n, f in points.items() if not len(f)}


def seat_points(points: dict[str, pd.DataFrame], step_px: float, hole_px: float,
                note_html: str, clustered: Collection[str] = ()) -> dict[str, pd.DataFrame]:
    """Records sharing a coordinate, across all layers, drawn `step_px` apart on screen around
    it (geo.layers.seat_offsets: dx, dy, lead columns), the `clustered` layers' outermost; their
    coordinates stay, so a cluster of them counts at the point itself."""
    frames = [f.assign(_layer=name) for name, f in points.items() if len(f)]
    if not frames:
        return points
    allp = pd.concat(frames, ignore_index=True)
    allp["dx"], allp["dy"], allp["lead"] = seat_offsets(
        allp["lon"].to_numpy(), allp["lat"].to_numpy(), allp["_layer"].isin(clustered).to_numpy(),
        step_px, hole_px)
    moved = (allp["dx"] != 0) | (allp["dy"] != 0)
    allp.loc[moved, "popup"] = allp.loc[moved, "popup"].map(lambda p: p[:-6] + note_html + p[-6:])
    return {name: allp[allp["_layer"] == name].drop(columns="_layer").reset_index(drop=True)
            for name in points} | {n: f for n, f in points.items() if not len(f)}


def county_frame(dataset: Dataset, lang: str) -> gpd.GeoDataFrame:
    """A copy of the counties with a "label" column in the language."""
    frame = dataset.counties.copy()
    if lang == "en":
        names = dataset.gazetteer.seats.set_index("adcode")["name_en"]
        frame["label"] = frame["adcode"].map(names).fillna(frame["name_zh"])
    else:
        frame["label"] = frame["name_zh"]
    return frame


def choropleth_frame(dataset: Dataset, selection: Selection, lang: str) -> gpd.GeoDataFrame:
    """The counties with the number of shown records ("value") and a fill colour graded by it."""
    counts = counts_by_county(selection.frames(), dataset.counties)
    frame = county_frame(dataset, lang).merge(counts[["adcode", "total"]], on="adcode")
    frame["value"] = frame["total"].astype(int)
    top = max(int(frame["value"].max()), 1)
    bins = np.minimum((frame["value"] * len(CHOROPLETH_COLOURS) - 1) // top, 4).clip(lower=0)
    frame["fill"] = [CHOROPLETH_COLOURS[int(b)] for b in bins]
    return frame


def legend_keys(selection: Selection, taxonomy: Taxonomy, system: str) -> frozenset[str]:
    """The legend rows the selection's drawn (located) records need: their park kinds, industry
    colours, project stages and location precisions (LegendItem.key)."""
    frames = selection.frames()
    # the columns asked, of the located rows: not a copy of whole frames (at 10^6 enterprises
    # that copy was a quarter of a second of every filter change under py-spy)
    drawn = {name: f.geometry.notna().to_numpy() if len(f) else np.ones(0, bool)
             for name, f in frames.items()}

    def column(name: str, field: str) -> pd.Series:
        return frames[name][field][drawn[name]]

    keys = {f"kind:{k}" for k in pd.unique(column("parks", "kind"))}
    keys |= {f"colour:{taxonomy.colour(c, system)}" for c in pd.unique(column("enterprises", "industry"))}
    keys |= {f"stage:{s}" for s in pd.unique(column("projects", "stage"))}
    for name in frames:
        approximate = column(name, "precision").isin(APPROXIMATE)
        keys |= {"precision:approx"} if approximate.any() else set()
        keys |= {"precision:exact"} if (~approximate).any() else set()
    return frozenset(keys)


def _record_sections(taxonomy: Taxonomy, lang: str, system: str,
                     layers: Collection[str]) -> list[LegendSection]:
    """Every class of the shown layers, each row keyed as legend_keys names it."""
    sections = []
    if {"parks", "chemical_parks"} & set(layers):
        # chemical parks and the other kinds are separate layers: list what is drawn
        shown = [t for t in KIND.terms if ("chemical_parks" if t.code == "chemical_park"
                                           else "parks") in layers]
        sections.append(LegendSection(LEGEND_PARKS.get(lang), tuple(
            LegendItem(f"{t.glyph.get(lang)} {t.label.get(lang)}", t.colour,
                       "diamond" if t.code == "chemical_park" else "square", key=f"kind:{t.code}")
            for t in shown)))
    if "enterprises" in layers:
        items = [LegendItem(i.label.get(lang), i.colour, key=f"colour:{i.colour}")
                 for i in taxonomy.system_members(system)]
        items.append(LegendItem(UNCLASSIFIED.get(lang), UNCLASSIFIED_COLOUR,
                                key=f"colour:{UNCLASSIFIED_COLOUR}"))
        sections.append(LegendSection(LEGEND_ENTERPRISES.get(lang), tuple(items)))
    if "projects" in layers:
        items = [LegendItem(t.label.get(lang), t.colour, "triangle", key=f"stage:{t.code}")
                 for t in STAGE.terms]
        items.append(LegendItem(STAGE_UNKNOWN.get(lang), STAGE_UNKNOWN_COLOUR, "triangle",
                                key="stage:"))
        sections.append(LegendSection(LEGEND_PROJECTS.get(lang), tuple(items)))
    sections.append(LegendSection(LEGEND_PRECISION.get(lang), (
        LegendItem(EXACT.get(lang), "#666666", key="precision:exact"),
        LegendItem(APPROX.get(lang), "#666666", hollow=True, key="precision:approx"))))
    return sections


def build_legend(taxonomy: Taxonomy, lang: str, system: str, layers: Collection[str],
                 present: Collection[str] | None = None) -> Legend:
    """The legend for the shown layers: park kinds, the system's industries, stages, precision,
    lines; with `present` (legend_keys of the drawn records), only the classes drawn."""
    sections = []
    for section in _record_sections(taxonomy, lang, system, layers):
        items = tuple(i for i in section.items if present is None or i.key in present)
        if items:
            sections.append(LegendSection(section.title, items))
    lines = [LegendItem(COUNTIES.get(lang), "#3B3B3B", "line")]
    if "outlines" in layers:
        lines.append(LegendItem(OUTLINES.get(lang), KIND.get("chemical_park").colour, "line"))
    sections.append(LegendSection("", tuple(lines)))
    return Legend(LEGEND.get(lang), tuple(sections), LEGEND_NOTE.get(lang))
