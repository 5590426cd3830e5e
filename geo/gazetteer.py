"""Town (乡镇/街道) and county-seat points of a region, read from CSV and held in WGS-84."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geo.crs import gcj02_to_wgs84

TOWN_COLUMNS = ("region_adcode", "county_adcode", "county", "unit_adcode", "unit", "town",
                "current", "lon", "lat", "crs", "source")
SEAT_COLUMNS = ("region_adcode", "adcode", "name_zh", "name_en", "lon", "lat", "crs", "source")


class GazetteerError(ValueError):
    """A gazetteer file is malformed (missing columns, bad numbers or an unknown datum)."""


def _to_wgs84(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Copy of `frame` with lon/lat as floats in WGS-84 (GCJ-02 rows converted)."""
    out = frame.copy()
    lon = pd.to_numeric(out["lon"].replace("", np.nan), errors="coerce")
    lat = pd.to_numeric(out["lat"].replace("", np.nan), errors="coerce")
    bad = (out["lon"] != "") & (lon.isna() | lat.isna())
    if bad.any():
        rows = ", ".join(str(i + 2) for i in out.index[bad][:10])
        raise GazetteerError(f"{file}: rows {rows} have a lon/lat that is not a number")
    unknown = out.loc[lon.notna() & ~out["crs"].isin(["WGS84", "GCJ02"]), "crs"]
    if len(unknown):
        raise GazetteerError(f"{file}: unknown crs {sorted(set(unknown))}; use WGS84 or GCJ02")
    gcj = (out["crs"] == "GCJ02").to_numpy() & lon.notna().to_numpy()
    lon_v, lat_v = np.array(lon, dtype=float), np.array(lat, dtype=float)  # writable copies
    lon_v[gcj], lat_v[gcj] = gcj02_to_wgs84(lon_v[gcj], lat_v[gcj])
    out["lon"], out["lat"] = lon_v, lat_v
    out["crs"] = np.where(lon.notna(), "WGS84", "")
    return out


def _read(path: Path, columns: tuple[str, ...], region_adcode: str) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise GazetteerError(f"{path.name}: missing columns {missing}")
    return _to_wgs84(frame[frame["region_adcode"] == str(region_adcode)], path.name)


@dataclass(frozen=True)
class Gazetteer:
    """Towns and county seats of one region; every point in WGS-84."""

    region_adcode: str
    towns: pd.DataFrame
    seats: pd.DataFrame

    def town_point(self, county_adcode: str, town: str) -> tuple[float, float] | None:
        """(lon, lat) of a town seat, or None when the town is unknown or has no point."""
        hit = self.towns[(self.towns["county_adcode"] == county_adcode)
                         & (self.towns["town"] == town) & self.towns["lon"].notna()]
        if hit.empty:
            return None
        return float(hit["lon"].iloc[0]), float(hit["lat"].iloc[0])

    def seat_point(self, adcode: str) -> tuple[float, float] | None:
        """The county seat's (lon, lat) in WGS-84, or None for an unknown adcode."""
        hit = self.seats[self.seats["adcode"] == adcode]
        if hit.empty:
            return None
        return float(hit["lon"].iloc[0]), float(hit["lat"].iloc[0])

    def has_town(self, county_adcode: str, town: str) -> bool:
        """True when the county lists this town (with or without a point)."""
        return bool(((self.towns["county_adcode"] == county_adcode)
                     & (self.towns["town"] == town)).any())

    def town_points(self) -> pd.DataFrame:
        """Towns that have a point: county_adcode, town, lon, lat."""
        pts = self.towns[self.towns["lon"].notna()]
        return pts[["county_adcode", "town", "lon", "lat"]].drop_duplicates(
            ["county_adcode", "town"]).reset_index(drop=True)


def load_gazetteer(towns_csv: Path, seats_csv: Path, region_adcode: str) -> Gazetteer:
    """Read the town and county-seat files for one region, converting GCJ-02 points on load."""
    region = str(region_adcode)
    return Gazetteer(region, _read(towns_csv, TOWN_COLUMNS, region),
                     _read(seats_csv, SEAT_COLUMNS, region))
