"""What lies within a radius of a point: parks, enterprises and projects by straight-line distance."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import distance_m
from parks.analysis.profile import SAME_SPOT_M
from parks.analysis.query import record_codes
from parks.model.dataset import Dataset
from parks.model.industries import UNCLASSIFIED, Taxonomy

MAX_RADIUS_KM = 200.0  # beyond this a "nearby" question is a regional one; use the map instead
# A rough box around China: catches swapped or mistyped coordinates, not a border test.
CHINA_LON = (73.0, 135.1)
CHINA_LAT = (3.8, 53.6)
TABLES = ("parks", "enterprises", "projects")
BY_INDUSTRY_COLUMNS = ["industry", "label_zh", "label_en", *TABLES, "approximate"]


class InvalidRadiusError(ValueError):
    """A radius that is not a number in (0, MAX_RADIUS_KM] km."""


class InvalidLocationError(ValueError):
    """A centre point that is not a finite WGS-84 lon/lat inside China's rough box."""


# eq=False: holds frames.
@dataclass(frozen=True, eq=False)
class Nearby:
    """Records within `radius_km` of (lon, lat), nearest first, each with `distance_km` (NaN
    where `same_seat`: record and centre both placed at one seat, so the distance is unknown)."""

    lon: float
    lat: float
    radius_km: float
    parks: gpd.GeoDataFrame
    enterprises: gpd.GeoDataFrame
    projects: gpd.GeoDataFrame
    by_industry: pd.DataFrame  # strategic-industry view; '' = unclassified
    unlocated: Mapping[str, int]  # records with no point at all, which no radius can include

    def frame(self, table: str) -> gpd.GeoDataFrame:
        """The found records of one table ("parks", "enterprises" or "projects")."""
        return {"parks": self.parks, "enterprises": self.enterprises, "projects": self.projects}[table]

    @property
    def approximate_counts(self) -> dict[str, int]:
        """Per table, how many found records are placed only at a town or county seat (their
        distance is the seat's, not the site's)."""
        return {t: int(self.frame(t)["approximate"].sum()) for t in TABLES}

    @property
    def counts(self) -> dict[str, int]:
        """Records found within the radius, per table."""
        return {t: len(self.frame(t)) for t in TABLES}


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_radius(radius_km: object) -> float:
    """The radius as a float; InvalidRadiusError saying what arrived otherwise."""
    if not _is_number(radius_km) or not math.isfinite(float(radius_km)):
        raise InvalidRadiusError(f"radius_km must be a number of kilometres; got {radius_km!r}")
    if not 0 < float(radius_km) <= MAX_RADIUS_KM:
        raise InvalidRadiusError(f"radius_km must be above 0 and at most {MAX_RADIUS_KM:g} km; "
                                 f"got {radius_km!r}")
    return float(radius_km)


def check_point(lon: object, lat: object) -> tuple[float, float]:
    """(lon, lat) as floats; InvalidLocationError saying what arrived otherwise."""
    if not (_is_number(lon) and _is_number(lat)) or not (math.isfinite(float(lon))
                                                         and math.isfinite(float(lat))):
        raise InvalidLocationError(f"lon and lat must be finite numbers; got lon={lon!r}, lat={lat!r}")
    x, y = float(lon), float(lat)
    inside = CHINA_LON[0] <= x <= CHINA_LON[1] and CHINA_LAT[0] <= y <= CHINA_LAT[1]
    if not inside:
        swapped = CHINA_LON[0] <= y <= CHINA_LON[1] and CHINA_LAT[0] <= x <= CHINA_LAT[1]
        hint = " (lon and lat look swapped)" if swapped else ""
        raise InvalidLocationError(
            f"point lon={x}, lat={y} is outside China (lon {CHINA_LON[0]}–{CHINA_LON[1]}, "
            f"lat {CHINA_LAT[0]}–{CHINA_LAT[1]}, WGS-84){hint}")
    return x, y


def records_within(frame: gpd.GeoDataFrame, lon: float, lat: float, radius_km: float, *,
                   centre_approximate: bool = False, centre_id: str = "") -> gpd.GeoDataFrame:
    """Copy of the located records at most `radius_km` away (straight line, UTM 50N), nearest
    first, with `distance_km` (2 decimals; the filter uses the unrounded distance) and
    `same_seat`: an approximate record on the seat where an approximate centre (the record
    `centre_id` itself aside) is placed too; its distance_km is NaN, never 0."""
    x = frame["lon"].to_numpy(dtype=float)
    y = frame["lat"].to_numpy(dtype=float)
    metres = np.full(len(frame), np.inf)
    located = ~np.isnan(x) & ~np.isnan(y)
    if located.any():
        metres[located] = distance_m(lon, lat, x[located], y[located])
    keep = metres <= radius_km * 1000.0
    out = frame[keep].copy()
    out["distance_km"] = metres[keep] / 1000.0
    # Many records share a seat: among equals, better-located ones first, then by id.
    out = out.sort_values(["distance_km", "approximate", "id"], kind="mergesort")
    out["same_seat"] = (centre_approximate & out["approximate"].astype(bool)
                        & (out["distance_km"] * 1000.0 < SAME_SPOT_M) & (out["id"] != centre_id))
    out["distance_km"] = out["distance_km"].round(2).mask(out["same_seat"])
    return out


def _industry_rows(frame: pd.DataFrame, table: str, taxonomy: Taxonomy) -> pd.DataFrame:
    """Long table: one row per (record, strategic industry); '' when it has none."""
    if frame.empty:
        return pd.DataFrame(columns=["industry", "table", "approximate"])
    codes = record_codes(frame)
    tops = codes.map(lambda cs: sorted({taxonomy.in_system(c, "sei") for c in cs
                                        if c in taxonomy.codes} - {""}) or [""])
    long = pd.DataFrame({"industry": tops.to_numpy(), "table": table,
                         "approximate": frame["approximate"].to_numpy(dtype=bool)})
    return long.explode("industry")


def industry_counts(frames: Mapping[str, pd.DataFrame], taxonomy: Taxonomy) -> pd.DataFrame:
    """Records per strategic industry and table (a record with several industries counts in each),
    plus how many of them are approximately placed; only industries with records, '' last."""
    long = pd.concat([_industry_rows(f, t, taxonomy) for t, f in frames.items()], ignore_index=True)
    if long.empty:
        return pd.DataFrame(columns=BY_INDUSTRY_COLUMNS)
    counts = long.groupby(["industry", "table"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(TABLES), fill_value=0).rename_axis(columns=None)
    counts["approximate"] = long.groupby("industry")["approximate"].sum()
    order = [i.code for i in taxonomy.system_members("sei")] + [""]
    counts = counts.reindex([c for c in order if c in counts.index]).astype(int)
    labels = {i.code: i.label for i in taxonomy.industries} | {"": UNCLASSIFIED}
    out = counts.reset_index(names="industry")
    out.insert(1, "label_zh", out["industry"].map(lambda c: labels[c].zh))
    out.insert(2, "label_en", out["industry"].map(lambda c: labels[c].en))
    return out[BY_INDUSTRY_COLUMNS]


def within_radius(dataset: Dataset, lon: float, lat: float, radius_km: float, *,
                  centre_id: str = "") -> Nearby:
    """Parks, enterprises and projects within `radius_km` of a WGS-84 point; `centre_id`: the
    park the point is taken from (when only placed at a seat, records on that seat get no
    distance, see records_within)."""
    x, y = check_point(lon, lat)
    radius = check_radius(radius_km)
    parks = dataset.parks
    approximate = bool(centre_id) and bool(parks.loc[parks["id"] == centre_id, "approximate"].any())
    frames = {t: records_within(getattr(dataset, t), x, y, radius, centre_approximate=approximate,
                                centre_id=centre_id) for t in TABLES}
    unlocated = {t: int(getattr(dataset, t)["lon"].isna().sum()) for t in TABLES}
    return Nearby(x, y, radius, frames["parks"], frames["enterprises"], frames["projects"],
                  industry_counts(frames, dataset.taxonomy), unlocated)


def km_column(found: pd.DataFrame, unknown: str) -> list[str]:
    """distance_km as text for a table, `unknown` where same_seat (never "0")."""
    return [unknown if same else f"{km:.2f}"
            for km, same in zip(found["distance_km"], found["same_seat"], strict=True)]
