"""Every export format of a selection in one place: PNG, browser PNG, PDF, PPTX, HTML, data."""

from __future__ import annotations

import io
import json
import urllib.parse
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from geo.assets import inline_html
from geo.basemaps import Basemap, resolve
from geo.geography import ArchiveUnreadableError
from geo.labels import Label
from geo.maps import MapNote, add_sheet, fit_view
from geo.snapshot import snapshot
from geo.vector_basemap import excerpt
from geo.vendor import DEFAULT_DEST
from parks.analysis.compliance import Compliance, compliance
from parks.analysis.membership import Memberships, membership_of
from parks.analysis.query import Filters, Selection
from parks.analysis.stats import FUNCTIONAL_AREA
from parks.display.map_look import MapLook
from parks.display.print_map import BriefingSpec, briefing_frame, map_png
from parks.display.records_map import records_map
from parks.display.tables import in_park
from parks.files.osm_area import MARGIN_DEG
from parks.files.sheet_limits import MAX_ROWS
from parks.model.dataset import Dataset
from parks.model.industries import Taxonomy
from parks.model.schema import CODED, SPECS, field_heading
from parks.model.text_rules import inert
from parks.model.vocab import KIND, PRECISION, STAGE

FORMATS = ("png", "snapshot", "pdf", "pptx", "html", "csv", "geojson", "xlsx")
MIME = {"png": "image/png", "snapshot": "image/png", "pdf": "application/pdf",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "html": "text/html", "csv": "text/csv", "geojson": "application/geo+json",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# each format its own file name: the print-layout PNG and the browser screenshot differ
ENDING = {"png": "-map.png", "snapshot": "-screenshot.png"}


@dataclass(frozen=True)
class Export:
    """A file ready to download: its bytes, MIME type and file name."""

    data: bytes
    mime: str
    filename: str


NO_TILES = Label("底图瓦片无法随文件保存，仅绘县界：{problem}",
                 "The basemap's tiles could not be carried in this file; outlines only: {problem}")


def standalone_html(dataset: Dataset, selection: Selection, spec: BriefingSpec,
                    basemap: Basemap, vendor: Path = DEFAULT_DEST, *,
                    filters: Filters | None = None, inside: Memberships | None = None) -> str:
    """The interactive map as one HTML file that opens from disk with no internet (scripts,
    styles, icons and fonts inlined; the offline OSM basemap's tiles of the region embedded;
    tile servers' tiles only if reachable), framed like a printed sheet: title, subtitle and
    data date above, source, figures and note below (the legend is the map's own)."""
    problem = ""
    if basemap.archive is not None:
        west, south, east, north = dataset.counties.total_bounds
        box = (west - MARGIN_DEG, south - MARGIN_DEG, east + MARGIN_DEG, north + MARGIN_DEG)
        try:
            basemap = replace(basemap, archive=excerpt(basemap.archive, box, lang=spec.lang))
        except ArchiveUnreadableError as error:
            basemap, problem = resolve("offline", {}), str(error)
    look = MapLook(basemap=basemap, lang=spec.lang, system=spec.system, layers=spec.layers)
    fmap = records_map(dataset, selection.visible(spec.layers), look, bounds=spec.bbox)
    if problem:
        fmap.add_child(MapNote(NO_TILES.get(spec.lang).format(problem=problem)))
    frame = briefing_frame(dataset, selection, spec, filters or Filters(), inside)
    add_sheet(fmap, frame.title, frame.subtitle, frame.data_date,
              (frame.source, frame.figures, frame.note))
    return inline_html(fmap.get_root().render(), vendor)


class TooManyRowsError(ValueError):
    """A layer holds more records than a sheet format takes (`rows` of it against `limit`)."""

    def __init__(self, fmt: str, rows: int, limit: int) -> None:
        super().__init__(f"{fmt}: {rows:,} records in one layer, at most {limit:,} (csv and "
                         "geojson take any number)")
        self.fmt, self.rows, self.limit = fmt, rows, limit


# An XLSX export is at most what the import reads back; openpyxl also builds the whole
# workbook in memory, which a register of 10^6 records must not cost the server
XLSX_MAX_ROWS = MAX_ROWS


def export(fmt: str, dataset: Dataset, selection: Selection, spec: BriefingSpec,
           filters: Filters | None = None, *, basemap: Basemap | None = None,
           name: str = "heze-map", inside: Memberships | None = None) -> Export:
    """One export of the selection; the data formats carry the rows the map shows and who is
    inside which park, the briefings the 入园率 line. `inside`: the memberships when at hand.
    TooManyRowsError for an XLSX with a layer over XLSX_MAX_ROWS records (CSV and GeoJSON
    take any number)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    from parks.files.reports import briefing_pdf, briefing_pptx  # matplotlib: loaded on first export

    shown = selection.visible(spec.layers).within(spec.bbox)  # the view asked for, else all
    base = basemap or resolve("offline", {})
    if base.tiles and base.crs == "WGS84" and spec.tiles is None:
        spec = replace(spec, tiles=base.tiles[0])  # static maps use the chosen basemap too
    if base.archive is not None and not spec.archive:
        spec = replace(spec, archive=base.archive.path)  # and draw the offline OSM geography
    if fmt == "xlsx" and (rows := max(map(len, shown.frames().values()), default=0)) > XLSX_MAX_ROWS:
        raise TooManyRowsError(fmt, rows, XLSX_MAX_ROWS)
    found = inside or membership_of(dataset)
    makers = {
        "png": lambda: map_png(dataset, shown, spec, filters, inside=found),
        "snapshot": lambda: snapshot(standalone_html(dataset, shown, spec, base,
                                                     filters=filters, inside=found),
                                     width=spec.width_px, height=spec.height_px),
        "pdf": lambda: briefing_pdf(dataset, shown, spec, filters, found),
        "pptx": lambda: briefing_pptx([(dataset, shown, spec, filters)], found),
        "html": lambda: standalone_html(dataset, shown, spec, base, filters=filters,
                                        inside=found).encode("utf-8"),
        "csv": lambda: selection_csv(shown.frames(), found, spec.lang, dataset.taxonomy),
        "geojson": lambda: selection_geojson(shown.frames(), found, spec.lang),
        "xlsx": lambda: selection_xlsx(shown.frames(), found, spec.lang,
                                       _chemical_rates(dataset, shown, found), dataset.taxonomy),
    }
    data = makers[fmt]()
    return Export(data, MIME[fmt], f"{name}{ENDING.get(fmt, '.' + fmt)}")


def permalink(base: str, region: str, filters: Filters, spec: BriefingSpec) -> str:
    """The map page's link to what a briefing shows (the parameters ui.permalink reads): language,
    region, filters, layers and, with a bbox, the view that holds it; "" without a `base`."""
    if not base:
        return ""
    stages = ["unstated" if s == "" else s for s in filters.stages]
    params = {"lang": spec.lang, "region": region, "county": ",".join(filters.counties),
              "system": spec.system, "industry": ",".join(filters.industries),
              "tier": ",".join(filters.tiers), "kind": ",".join(filters.kinds),
              "stage": ",".join(stages), "q": filters.text.strip(), "layers": ",".join(spec.layers),
              "view": fit_view(spec.bbox) if spec.bbox else ""}
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v}, safe=",")
    return f"{base.rstrip('/')}/?{query}"


EXPORT_COLUMNS = ["layer", "id", "name_zh", "name_en", "kind", "industry", "subsector",
                  "industries", "stage", "investment_yi", "county_adcode", "county", "town",
                  "functional_area", "in_park_id", "in_park", "precision", "approximate", "lon",
                  "lat", "source", "as_of", "confidence"]


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells made safe for a spreadsheet (text_rules.inert): a formula behind a leading
    apostrophe (OWASP CSV-injection advice), control characters dropped; numbers left alone."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(inert)
    return out


def selection_table(frames: dict[str, pd.DataFrame], inside: Memberships | None = None,
                    lang: str = "zh") -> pd.DataFrame:
    """All shown records in one table: the layer they belong to, codes, place, the park whose
    outline holds it (with `inside`: in_park_id, and in_park its name or the undecidable marker;
    blank for parks), precision, WGS-84 point (blank when unlocated), source and date."""
    parts = []
    for layer, frame in frames.items():
        part = pd.DataFrame({"layer": layer}, index=frame.index)
        for col in EXPORT_COLUMNS[1:]:
            part[col] = frame[col] if col in frame.columns else ""
        if inside is not None and layer != "parks":
            part["in_park_id"] = inside.status(layer, frame["id"])["park_id"]
            part["in_park"] = in_park(frame, layer, inside, inside.names, lang)
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    table = pd.concat(parts, ignore_index=True)
    table["lon"] = pd.to_numeric(table["lon"], errors="coerce").round(6)
    table["lat"] = pd.to_numeric(table["lat"], errors="coerce").round(6)
    return table[EXPORT_COLUMNS]


# the columns whose cells are codes: shown by their labels, the codes kept beside them
HEADINGS = {"layer": Label("图层", "Layer"), "county": Label("县区", "County"),
            "county_adcode": Label("县区代码", "County code"),
            "in_park_id": Label("入园判定编号", "In park (outline) ID"),
            "in_park": Label("入园判定", "In park (outline)"),
            "approximate": Label("近似位置", "Approximate"), "functional_area": FUNCTIONAL_AREA}
YES_NO = {True: Label("是", "yes"), False: Label("否", "no")}


def _labels(column: str, values: pd.Series, lang: str, taxonomy: Taxonomy | None) -> pd.Series:
    """The labels of a column of codes in `lang` (a code with no label stays as it is)."""
    def industry(code: str) -> str:
        known = taxonomy is not None and code in taxonomy.codes
        return taxonomy.get(code).label.get(lang) if known else code

    if column == "layer":
        return values.map(lambda v: SPECS[v].label.get(lang) if v in SPECS else v)
    if column in ("industry", "subsector", "industries"):
        joiner = "、" if lang != "en" else "; "
        return values.map(lambda v: joiner.join(industry(c.strip()) for c in str(v).split(";")
                                                if c.strip()))
    vocab = {"kind": KIND, "stage": STAGE, "precision": PRECISION}[column]
    return values.map(lambda v: vocab.label(str(v), lang))


def labelled_table(table: pd.DataFrame, lang: str, taxonomy: Taxonomy | None = None, *,
                   codes: bool = True) -> pd.DataFrame:
    """A selection table for people: headings and coded cells in `lang` (生物医药, not BIO);
    with `codes`, the codes kept at the end as <column>_code. Headings an import would misread
    are avoided (the county's code keeps 县区代码, the derived park is 入园判定, not 园区编号):
    the file reads back as records (parks.files.importing turns labels into codes)."""
    out = pd.DataFrame(index=table.index)
    for column in table.columns:
        values = table[column]
        if column in CODED:
            values = _labels(column, values, lang, taxonomy)
        elif column == "approximate":
            values = values.map(lambda v: YES_NO[bool(v)].get(lang) if v != "" else "")
        heading = HEADINGS[column].get(lang) if column in HEADINGS else field_heading(column, lang)
        out[heading] = values
    if codes:
        for column in CODED:
            if column in table.columns:
                out[f"{column}_code"] = table[column]
    return out


def selection_csv(frames: dict[str, pd.DataFrame], inside: Memberships | None = None,
                  lang: str = "zh", taxonomy: Taxonomy | None = None) -> bytes:
    """CSV in UTF-8 with BOM, headings and labels in `lang`, the codes in *_code columns,
    formulas neutralised."""
    table = labelled_table(selection_table(frames, inside, lang), lang, taxonomy)
    return neutralise(table).to_csv(index=False).encode("utf-8-sig")


def selection_xlsx(frames: dict[str, pd.DataFrame], inside: Memberships | None = None,
                   lang: str = "zh", rates: Compliance | None = None,
                   taxonomy: Taxonomy | None = None) -> bytes:
    """One sheet per layer for people (headings and labels in `lang`, plus county, the park
    holding it, WGS-84 point, approximate), then the same records with codes, one sheet per
    layer named by its key (parks …: what an import reads); with `rates`, a sheet 入园率;
    every text cell stays text."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    tables = {layer: selection_table({layer: frame}, inside, lang).drop(columns="layer")
              for layer, frame in frames.items()}
    for layer, table in tables.items():
        _sheet(book, SPECS[layer].label.get(lang), labelled_table(table, lang, taxonomy,
                                                                  codes=False))
    for layer, table in tables.items():
        _sheet(book, layer, table)
    if rates is not None:
        _sheet(book, RATES_SHEET, rates_table(rates, lang))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet(book, title: str, table: pd.DataFrame) -> None:
    sheet = book.create_sheet(title)
    sheet.append(list(table.columns))
    for row in neutralise(table).itertuples(index=False):
        sheet.append(["" if pd.isna(v) else v for v in row])
    sheet.freeze_panes = "A2"


RATES_SHEET = "入园率"
OVERALL = Label("全部", "All")
NO_RATE = Label("—（尚无化工园区范围，或无可判定的企业）",
                "— (no chemical park outline yet, or nothing decidable)")
RATE_HEADINGS = {"county": Label("县区", "County"), "chemical": Label("化工企业", "Chemical firms"),
                 "inside": Label("园内", "Inside"), "outside": Label("园外", "Outside"),
                 "undecidable": Label("待定（仅知乡镇/县，或本县化工园区尚无范围）",
                                      "Undecidable (town/county only, or a county chemical park "
                                      "without outline)"),
                 "rate": Label("入园率", "Rate")}


def _chemical_rates(dataset: Dataset, shown: Selection, inside: Memberships) -> Compliance | None:
    """The 入园率 of the shown chemical enterprises, None when the selection has none."""
    rates = compliance(dataset, found=inside.records, only=shown.enterprises["id"])
    return rates if rates.overall["chemical"] else None


def rates_table(rates: Compliance, lang: str) -> pd.DataFrame:
    """入园率 overall, then by county: counts, the undecidable apart, the rate (inside ÷
    decidable) or NO_RATE when nothing is decidable."""
    overall = pd.DataFrame([{"county": OVERALL.get(lang), **rates.overall}])
    table = pd.concat([overall, rates.by_county], ignore_index=True)[list(RATE_HEADINGS)]
    table["rate"] = [NO_RATE.get(lang) if pd.isna(r) else f"{r:.1%}" for r in table["rate"]]
    return table.rename(columns={k: v.get(lang) for k, v in RATE_HEADINGS.items()})


def selection_geojson(frames: dict[str, pd.DataFrame], inside: Memberships | None = None,
                      lang: str = "zh") -> bytes:
    """A FeatureCollection in WGS-84; records without a location have a null geometry."""
    table = selection_table(frames, inside, lang)
    features = []
    for row in table.to_dict("records"):
        lon, lat = row["lon"], row["lat"]
        geometry = None if pd.isna(lon) else {"type": "Point", "coordinates": [lon, lat]}
        props = {k: (None if isinstance(v, float) and pd.isna(v) else v)
                 for k, v in row.items() if k not in ("lon", "lat")}
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, default=str).encode("utf-8")


def _neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """Values and headers that a spreadsheet would run as formulas, made inert."""
    out = neutralise(frame.astype(object))
    header = neutralise(pd.DataFrame([list(frame.columns)], dtype=object))
    out.columns = list(header.iloc[0])
    return out


def comparison_xlsx(frame: pd.DataFrame) -> bytes:
    """One sheet: bold header row of park names, attributes in the first column, text cells."""
    import openpyxl  # imported here: only this export needs it
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "compare"
    safe = _neutralised(frame)
    sheet.append([str(c) for c in safe.columns])
    for row in safe.itertuples(index=False):
        sheet.append(["" if pd.isna(v) else str(v) for v in row])
    for row in sheet.iter_rows():
        for cell in row:
            cell.data_type = "s"  # text, so a value is never read as a number or formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(sheet.columns):
        sheet.column_dimensions[column[0].column_letter].width = 18 if index == 0 else 40
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def comparison_csv(frame: pd.DataFrame) -> bytes:
    """The comparison as CSV in UTF-8 with BOM (Excel shows the Chinese), formulas neutralised."""
    return _neutralised(frame).to_csv(index=False).encode("utf-8-sig")
