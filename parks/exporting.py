"""Every export format of a selection in one place: PNG, browser PNG, PDF, PPTX, HTML, data."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from geo.assets import DEFAULT_DEST, inline_html
from geo.basemaps import Basemap, resolve
from geo.snapshot import snapshot
from parks.briefing import BriefingSpec, map_png
from parks.exports import selection_csv, selection_geojson, selection_xlsx
from parks.load import Dataset
from parks.query import Filters
from parks.symbology import Selection, records_map

FORMATS = ("png", "snapshot", "pdf", "pptx", "html", "csv", "geojson", "xlsx")
MIME = {"png": "image/png", "snapshot": "image/png", "pdf": "application/pdf",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "html": "text/html", "csv": "text/csv", "geojson": "application/geo+json",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
SUFFIX = {"snapshot": "png"}


@dataclass(frozen=True)
class Export:
    data: bytes
    mime: str
    filename: str


def standalone_html(dataset: Dataset, selection: Selection, spec: BriefingSpec,
                    basemap: Basemap, vendor: Path = DEFAULT_DEST) -> str:
    """The interactive map as one HTML file that opens from disk with no internet (scripts,
    styles, icons and fonts inlined; tiles only if the chosen basemap's server is reachable)."""
    fmap = records_map(dataset, selection.visible(spec.layers), basemap=basemap, lang=spec.lang,
                       system=spec.system, layers=spec.layers)
    return inline_html(fmap.get_root().render(), vendor)


def export(fmt: str, dataset: Dataset, selection: Selection, spec: BriefingSpec,
           filters: Filters | None = None, *, basemap: Basemap | None = None,
           name: str = "heze-map") -> Export:
    """One export of the selection; the data formats carry the rows the map shows."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    from parks.reports import briefing_pdf, briefing_pptx  # matplotlib: loaded on first export

    shown = selection.visible(spec.layers)
    base = basemap or resolve("offline", {})
    if base.tiles and base.crs == "WGS84" and spec.tiles is None:
        spec = replace(spec, tiles=base.tiles[0])  # static maps use the chosen basemap too
    makers = {
        "png": lambda: map_png(dataset, shown, spec, filters),
        "snapshot": lambda: snapshot(standalone_html(dataset, shown, spec, base),
                                     width=spec.width_px, height=spec.height_px),
        "pdf": lambda: briefing_pdf(dataset, shown, spec, filters),
        "pptx": lambda: briefing_pptx([(dataset, shown, spec, filters)]),
        "html": lambda: standalone_html(dataset, shown, spec, base).encode("utf-8"),
        "csv": lambda: selection_csv(shown.frames()),
        "geojson": lambda: selection_geojson(shown.frames()),
        "xlsx": lambda: selection_xlsx(shown.frames()),
    }
    data = makers[fmt]()
    return Export(data, MIME[fmt], f"{name}.{SUFFIX.get(fmt, fmt)}")
