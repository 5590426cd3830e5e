"""Whether an outline read as WGS-84 is really GCJ-02 (奥维, 高德): it follows the OSM lines when shifted."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import METRIC_CRS, shift_geometry

NEAR_M = 30.0  # an edge point this close to a road, railway or river follows it (half a road's width)
STEP_M = 20.0  # the outline's edge is sampled this often
# The shift is ~500 m in Heze, more than a block's width: read right, a park's edge follows its
# 四至 roads almost all the way; read wrong, it crosses blocks and touches roads only here and there.
CLEARLY = 2.0  # shifted must follow this many times as much of the edge…
AT_LEAST = 0.4  # …and at least this share of it


@dataclass(frozen=True)
class DatumFit:
    """How much of an outline's edge follows the OSM lines, as read and as if GCJ-02."""

    as_read: float
    as_gcj02: float

    @property
    def likely_gcj02(self) -> bool:
        """The lines say the coordinates were GCJ-02, not WGS-84."""
        return self.as_gcj02 >= AT_LEAST and self.as_gcj02 >= CLEARLY * self.as_read


def following(outline: BaseGeometry, lines: gpd.GeoDataFrame) -> float:
    """Share of the outline's edge (WGS-84) within NEAR_M of `lines` (any CRS)."""
    edge = gpd.GeoSeries([outline.boundary], crs="EPSG:4326").to_crs(METRIC_CRS).iloc[0]
    if edge.length == 0 or lines.empty:
        return 0.0
    points = shapely.line_interpolate_point(edge, np.arange(0.0, edge.length, STEP_M))
    near = shapely.union_all(lines.to_crs(METRIC_CRS).geometry.array)
    return float(np.mean(shapely.dwithin(points, near, NEAR_M)))


def datum_fit(outline: BaseGeometry, lines: gpd.GeoDataFrame) -> DatumFit:
    """How well the outline follows `lines` as read (WGS-84) and shifted from GCJ-02."""
    return DatumFit(following(outline, lines),
                    following(shift_geometry(outline, to="wgs84"), lines))
