"""One frozen configuration table: regions, map layers and their help text, passed in explicitly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from geo.cloud import BIN_MIN
from geo.labels import Label

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Region:
    """A prefecture-level city, loaded by adcode."""

    adcode: str
    label: Label
    central_county: str = ""  # the district of the city seat: where "<city> + street" lies


@dataclass(frozen=True)
class LayerSpec:
    """An overlay of the map page: key, labels, help and whether it starts switched on."""

    key: str
    label: Label
    help: str
    default_on: bool = True


@dataclass(frozen=True)
class AppConfig:
    regions: tuple[Region, ...]
    layers: tuple[LayerSpec, ...]
    data_dir: Path = DATA_DIR
    default_region: str = "371700"
    boundary_source: str = "tianditu"
    spread_spacing_m: float = 350.0  # records sharing a point are fanned out this far apart
    # above this many enterprises, one canvas layer instead of a marker each. Measured (headless
    # Chromium, map document to drawn): 300 enterprises 0.65 s as markers vs 0.38 s on the canvas,
    # 1,000: 0.75 s vs 0.28 s; markers stay for the few (DOM tooltips, cluster counts)
    marker_limit: int = 200
    # the canvas layer shows counts per grid cell while more enterprises than this are in view
    # (below zoom 13); a selection this small never shows them, so its update carries no counts
    bin_min: int = BIN_MIN
    # rows a page table shows (all of them go to the exports): a 10k-row table is ~2 MB on the
    # wire and holds the map back while the browser parses it
    table_rows: int = 1000

    def region(self, adcode: str) -> Region:
        for region in self.regions:
            if region.adcode == str(adcode):
                return region
        raise KeyError(f"unknown region {adcode!r}; configured: "
                       f"{', '.join(r.adcode for r in self.regions)}")

    def layer(self, key: str) -> LayerSpec:
        for layer in self.layers:
            if layer.key == key:
                return layer
        raise KeyError(key)


DEFAULT_CONFIG = AppConfig(
    regions=(
        Region("371700", Label("菏泽市", "Heze"), central_county="371702"),
        Region("370800", Label("济宁市", "Jining"), central_county="370811"),
    ),
    layers=(
        LayerSpec("counties", Label("县区界", "County boundaries"),
                  "County outlines and names from the installed boundary package (天地图, WGS-84)."),
        LayerSpec("chemical_parks", Label("化工园区", "Chemical parks"),
                  "Provincially recognised chemical parks, their 片区 and unverified candidates."),
        LayerSpec("parks", Label("园区与枢纽", "Parks and hubs"),
                  "Development zones, industrial parks, logistics hubs, digital, health, tourism, markets."),
        LayerSpec("outlines", Label("园区范围", "Park outlines"),
                  "Park outlines digitised by editors, coloured by kind; the tooltip compares the "
                  "drawn and the published area."),
        LayerSpec("enterprises", Label("企业", "Enterprises"),
                  "Enterprises coloured by industry and clustered; hollow markers are approximate."),
        LayerSpec("projects", Label("项目", "Projects"),
                  "Projects coloured by 四个一批 stage; hollow markers are approximate."),
        LayerSpec("choropleth", Label("县区数量分级", "Counts by county"),
                  "County fill by the number of records shown (all layers after filters).", False),
    ),
)


# the layers that draw records, defined by the table above: county outlines are always drawn
# and the choropleth shades counties, so neither is one
RECORD_LAYERS: tuple[str, ...] = tuple(spec.key for spec in DEFAULT_CONFIG.layers
                                       if spec.key not in ("counties", "choropleth"))
