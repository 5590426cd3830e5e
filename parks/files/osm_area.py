"""The box an offline OSM archive is built for: a region's counties plus a margin, or W,S,E,N."""

from __future__ import annotations

from pathlib import Path

from geo.boundaries import load_counties
from geo.osm_archive import Bbox

MARGIN_DEG = 0.1  # ~10 km around the outermost county: neighbours' roads and towns at the edge


def parse_bbox(text: str) -> Bbox:
    """W,S,E,N in degrees from text; ValueError saying what is wrong with it."""
    parts = [p.strip() for p in text.split(",")]
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"--bbox must be four numbers W,S,E,N, got {text!r}") from None
    problems = [f"{name} {value} is outside {low}..{high}"
                for name, value, low, high in (("W", west, -180, 180), ("E", east, -180, 180),
                                               ("S", south, -90, 90), ("N", north, -90, 90))
                if not low <= value <= high]
    if west >= east or south >= north:
        problems.append("W must be less than E and S less than N")
    if problems:
        raise ValueError(f"--bbox {text!r}: " + "; ".join(problems))
    return west, south, east, north


def region_bbox(region_adcode: str, *, cache_dir: Path | None = None,
                margin_deg: float = MARGIN_DEG) -> Bbox:
    """The box around a region's counties, widened by margin_deg on every side."""
    west, south, east, north = (float(v) for v in
                                load_counties(region_adcode, cache_dir=cache_dir).total_bounds)
    return (round(west - margin_deg, 4), round(south - margin_deg, 4),
            round(east + margin_deg, 4), round(north + margin_deg, 4))
