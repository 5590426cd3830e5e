"""界址点 tables: numbered boundary points read into an outline, their CRS and axis order detected."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from pyproj import CRS, Transformer
from shapely.geometry import MultiPolygon, Polygon

from geo.crs import gcj02_to_wgs84

Bbox = tuple[float, float, float, float]  # west, south, east, north (WGS-84)
_DMS = re.compile(r"^\s*(\d{1,3})\s*[°度]\s*(?:(\d{1,2})\s*['′分])?\s*(?:([\d.]+)\s*[\"″秒])?\s*$")
_NUMBER = re.compile(r"^\s*[-+]?\d+(?:\.\d+)?\s*$")
_HEADERS = {  # a header cell → the role of its column
    "point": ("点号", "界址点号", "界址点", "序号", "点名", "no", "id", "point"),
    "ring": ("圈号", "圈", "环号", "ring", "part", "地块号"),
    "north": ("x", "纵坐标", "北坐标", "x坐标", "x(m)", "northing", "n"),
    "east": ("y", "横坐标", "东坐标", "y坐标", "y(m)", "easting", "e"),
    "lon": ("经度", "lon", "lng", "longitude"),
    "lat": ("纬度", "lat", "latitude"),
}
# pyproj holds no published parameters from these old datums to WGS-84 here
OLD_DATUMS = {"Xian 1980": "tens of metres", "Beijing 1954": "up to ~100 m or more"}


class PointTableError(ValueError):
    """A table that cannot become an outline; `problems` names every row or ring at fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class CrsGuess:
    """Where a table's coordinates are: the CRS, the column holding eastings (or longitudes)
    first, and the reason in words (shown to the planner, who may override it)."""

    crs: str  # "EPSG:n", or "GCJ02" for 高德 longitude/latitude
    east_first: bool  # False: the surveyors' order, X (northing) then Y (easting)
    reason: str
    warning: str = ""


def coordinate(text: str) -> float:
    """A number, or degrees written 度分秒 (115°30′15.2″, 115度30分15.2秒); NaN otherwise."""
    if _NUMBER.match(text):
        return float(text)
    found = _DMS.match(text)
    if not found:
        return float("nan")
    d, m, s = (float(part) if part else 0.0 for part in found.groups())
    return d + m / 60 + s / 3600


def points(raw: pd.DataFrame) -> pd.DataFrame:
    """The point rows under any header block of document text: columns row (1-based, as in the
    file), point, ring, a and b (the two coordinate columns, as written)."""
    values = raw.map(lambda cell: coordinate(str(cell)))
    big = values.abs() >= 10  # coordinates; point numbers 1, 2, 3… and ring numbers stay below
    first = next((i for i in range(len(raw)) if big.iloc[i].sum() >= 2), None)
    if first is None:
        raise PointTableError(["no row holds two coordinates (numbers or 度分秒)"])
    header = [str(c).strip().lower() for c in raw.iloc[first - 1]] if first else []
    roles = {role: next((i for i, h in enumerate(header) if h in names), None)
             for role, names in _HEADERS.items()}
    a, b = _coordinate_columns(roles, big.iloc[first:])
    body = raw.iloc[first:]
    keep = values.iloc[first:][[a, b]].notna().all(axis=1)
    return pd.DataFrame({
        "row": body.index[keep] + 1,
        "point": body.loc[keep, roles["point"]] if roles["point"] is not None else "",
        "ring": body.loc[keep, roles["ring"]].astype(str) if roles["ring"] is not None else "1",
        "a": values.iloc[first:].loc[keep, a], "b": values.iloc[first:].loc[keep, b],
    }).reset_index(drop=True)


def _coordinate_columns(roles: dict, big: pd.DataFrame) -> tuple[int, int]:
    """The two coordinate columns: named by the header when it names them, else the two
    columns of large numbers (the last two, as tables put the point number first)."""
    for pair in (("north", "east"), ("lon", "lat")):
        if roles[pair[0]] is not None and roles[pair[1]] is not None:
            return roles[pair[0]], roles[pair[1]]
    columns = [c for c in big.columns if big[c].mean() > 0.5]
    if len(columns) < 2:
        raise PointTableError(["fewer than two columns of coordinates"])
    return columns[-2], columns[-1]


def detect(a: np.ndarray, b: np.ndarray, region: Bbox) -> CrsGuess:
    """The CRS and axis order of two coordinate columns, with the reason: degrees (either
    order), CGCS2000 Gauss-Krüger with the zone prefixed to the easting (3° zones 25-45, 6°
    zones 13-23), or without it, by the central meridian that puts the points in `region`."""
    if np.all(np.abs(a) <= 180) and np.all(np.abs(b) <= 180):
        return _degrees(a, b)
    east_first = _east_first(a, b)
    east = a if east_first else b
    order = "Y (easting) first" if east_first else "X (northing) first, the surveyors' order"
    zones = np.unique((east // 1_000_000).astype(int))
    if np.all(east >= 10_000_000):
        if len(zones) > 1:
            raise PointTableError([f"points from several zones mixed: {', '.join(map(str, zones))}"])
        guess = _zoned(int(zones[0]), east_first=east_first, order=order)
        _zone_fits(guess, east, b if east_first else a, region)
        return guess
    return _by_meridian(a, b, region, east_first=east_first, order=order)


def _northing(values: np.ndarray) -> bool:
    return bool(np.all((values > 1_000_000) & (values < 10_000_000)))


def _east_first(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether the first column holds eastings: northings in China run 1,000-6,000 km, eastings
    are ~500 km (or carry a zone prefix: ≥ 10,000 km)."""
    if _northing(a) != _northing(b):
        return _northing(b)
    raise PointTableError(["cannot tell the northing (X) from the easting (Y): one column "
                           "should hold values of 1,000,000-10,000,000 m"])


def _degrees(a: np.ndarray, b: np.ndarray) -> CrsGuess:
    if np.all((a > 73) & (a < 136)) and np.all((b > 3) & (b < 54)):
        return CrsGuess("EPSG:4326", east_first=True,
                        reason="longitude/latitude in degrees, longitude first")
    if np.all((b > 73) & (b < 136)) and np.all((a > 3) & (a < 54)):
        return CrsGuess("EPSG:4326", east_first=False,
                        reason="latitude/longitude in degrees, latitude first")
    raise PointTableError(["the coordinates look like degrees but not China's longitudes and "
                           "latitudes"])


def _zoned(zone: int, *, east_first: bool, order: str) -> CrsGuess:
    if 25 <= zone <= 45:
        return CrsGuess(f"EPSG:{4488 + zone}", east_first,
                        f"CGCS2000 3° Gauss-Krüger: the easting carries zone {zone} "
                        f"(central meridian {zone * 3}°E); {order}")
    if 13 <= zone <= 23:
        return CrsGuess(f"EPSG:{4478 + zone}", east_first,
                        f"CGCS2000 6° Gauss-Krüger: the easting carries zone {zone} "
                        f"(central meridian {zone * 6 - 3}°E); {order}")
    raise PointTableError([f"the easting's prefix {zone} is no Gauss-Krüger zone of China "
                           "(3° zones 25-45, 6° zones 13-23)"])


def _zone_fits(guess: CrsGuess, east: np.ndarray, north: np.ndarray, region: Bbox) -> None:
    """Raise when the zone written in the eastings puts the points outside the region, naming
    the zone that would put them inside (a mistyped or mixed-up prefix)."""
    zone, offset = int(east[0] // 1_000_000), east - (east // 1_000_000) * 1_000_000
    middle = (float(np.mean(offset)), float(np.mean(north)))
    if _inside(_lonlat(guess.crs, zone * 1_000_000 + middle[0], middle[1]), region):
        return
    three = 25 <= zone <= 45
    others = range(25, 46) if three else range(13, 24)
    fits = [z for z in others if _inside(_lonlat(f"EPSG:{(4488 if three else 4478) + z}",
                                                 z * 1_000_000 + middle[0], middle[1]), region)]
    lon, lat = _lonlat(guess.crs, zone * 1_000_000 + middle[0], middle[1])
    hint = (f"; zone {fits[0]} would put them inside: check the table, or give --crs "
            f"EPSG:{(4488 if three else 4478) + fits[0]}" if fits else "")
    raise PointTableError([f"zone {zone} (written in the eastings) puts the points at "
                           f"{lon:.2f}°E {lat:.2f}°N, outside the region{hint}"])


def _by_meridian(a: np.ndarray, b: np.ndarray, region: Bbox, *, east_first: bool,
                 order: str) -> CrsGuess:
    """Without a zone prefix: the 3° central meridian (EPSG:4534-4554) that puts the points'
    middle inside the region, else say none does."""
    east, north = (a, b) if east_first else (b, a)
    middle = (float(np.mean(east)), float(np.mean(north)))
    # only the meridians whose 3° band meets the region (each tried costs ~0.2 s of pyproj set-up)
    near = [cm for cm in range(75, 136, 3) if cm - 1.5 <= region[2] and cm + 1.5 >= region[0]]
    fits = [cm for cm in near if _inside(_lonlat(f"EPSG:{4534 + (cm - 75) // 3}", *middle),
                                         region)]
    if not fits:
        raise PointTableError(["no central meridian puts these points inside the region: "
                               "give the CRS (e.g. --crs EPSG:4547 for CGCS2000 CM 114°E)"])
    cm = fits[0]
    return CrsGuess(f"EPSG:{4534 + (cm - 75) // 3}", east_first,
                    f"CGCS2000 3° Gauss-Krüger without a zone prefix: central meridian {cm}°E "
                    f"is the one that puts the points inside the region; {order}")


@lru_cache(maxsize=64)
def _to_wgs84(crs: str) -> Transformer:
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def _lonlat(crs: str, east: float, north: float) -> tuple[float, float]:
    return _to_wgs84(crs).transform(east, north)


def _inside(point: tuple[float, float], region: Bbox) -> bool:
    return region[0] <= point[0] <= region[2] and region[1] <= point[1] <= region[3]


def given(crs: str, a: np.ndarray, b: np.ndarray, region: Bbox) -> CrsGuess:
    """The CRS a planner named (EPSG:n, wgs84 or gcj02), the axis order still read from the
    values; old datums (Xi'an 80, Beijing 54) carry a warning on their accuracy."""
    found = detect(a, b, region) if crs.lower() in ("wgs84", "gcj02") else None
    if crs.lower() == "gcj02":
        return CrsGuess("GCJ02", found.east_first, "GCJ-02 longitude/latitude (高德, 奥维), as given")
    if found is not None:
        return CrsGuess("EPSG:4326", found.east_first, "WGS-84 longitude/latitude, as given")
    try:
        named = CRS.from_user_input(crs)
    except Exception as exc:  # pyproj's CRSError, or a bad type
        raise PointTableError([f"unknown CRS {crs!r}: {exc}"]) from exc
    east_first = True if named.is_geographic else _east_first(a, b)
    old = next((how for datum, how in OLD_DATUMS.items() if datum in named.name), "")
    warning = (f"{named.name}: without local transformation parameters the shift to WGS-84 "
               f"may be off by {old}" if old else "")
    return CrsGuess(f"EPSG:{named.to_epsg()}", east_first, f"{named.name}, as given", warning)


def to_wgs84(guess: CrsGuess, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes (WGS-84) of the two columns read as `guess` says."""
    x, y = (a, b) if guess.east_first else (b, a)
    if guess.crs == "GCJ02":
        lon, lat = gcj02_to_wgs84(x, y)
        return np.asarray(lon), np.asarray(lat)
    if guess.crs == "EPSG:4326":
        return np.asarray(x, float), np.asarray(y, float)
    lon, lat = _to_wgs84(guess.crs).transform(x, y)
    return np.asarray(lon), np.asarray(lat)


def rings(table: pd.DataFrame, lon: np.ndarray, lat: np.ndarray) -> MultiPolygon:
    """The outline: one ring per ring number (the closing point optional, repeated points
    dropped); a ring inside another is its hole, else a part of its own."""
    problems, shells = [], []
    frame = table.assign(lon=lon, lat=lat)
    for ring, part in frame.groupby("ring", sort=False):
        xy = part[["lon", "lat"]].to_numpy()
        keep = np.r_[True, np.any(np.abs(np.diff(xy, axis=0)) > 1e-10, axis=1)]
        xy = xy[keep]
        if len(xy) > 1 and np.allclose(xy[0], xy[-1], atol=1e-10):
            xy = xy[:-1]
        if len(xy) < 3:
            rows = ", ".join(map(str, part["row"]))
            problems.append(f"ring {ring} (rows {rows}) has fewer than 3 distinct points")
            continue
        shells.append(Polygon(xy))
    if problems:
        raise PointTableError(problems)
    return _nest(shells)


def _nest(polygons: list[Polygon]) -> MultiPolygon:
    """Largest first: each ring becomes a hole of the first part containing it, else a part."""
    parts: list[tuple[Polygon, list]] = []
    for polygon in sorted(polygons, key=lambda p: p.area, reverse=True):
        outer = next((holes for shell, holes in parts if shell.contains(polygon)), None)
        if outer is None:
            parts.append((polygon, []))
        else:
            outer.append(polygon.exterior.coords)
    merged = [Polygon(shell.exterior.coords, holes) for shell, holes in parts]
    return MultiPolygon(merged)


@dataclass(frozen=True)
class Outline:
    """A table read into an outline: the shape (WGS-84), how its CRS was decided, its points."""

    shape: MultiPolygon
    guess: CrsGuess
    points: int


def read_outline(rows: pd.DataFrame, region: Bbox, crs: str = "auto") -> Outline:
    """A 界址点 table (its cells as text, no header assumed: parks.files.uploads.read_rows) as
    an outline; `crs` "auto" detects it (see detect), else EPSG:n, wgs84 or gcj02. Raises
    PointTableError naming every problem."""
    table = points(rows)
    a, b = table["a"].to_numpy(float), table["b"].to_numpy(float)
    guess = detect(a, b, region) if crs == "auto" else given(crs, a, b, region)
    lon, lat = to_wgs84(guess, a, b)
    return Outline(rings(table, lon, lat), guess, len(table))
