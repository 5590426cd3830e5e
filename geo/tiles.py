"""XYZ basemap tiles for static maps: fetched when reachable, stitched into one image."""

from __future__ import annotations

import io
import math
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from geo.basemaps import TileSource

EARTH_HALF = 20037508.342789244  # half the Web Mercator world width in metres
MAX_TILES = 96


class TilesUnavailableError(RuntimeError):
    """Tiles could not be fetched (no network, server error, too many tiles)."""


@dataclass(frozen=True)
class Mosaic:
    """Stitched tiles: the RGB(A) image and its extent in Web Mercator metres."""

    image: np.ndarray  # H × W × 3 or 4, uint8
    extent: tuple[float, float, float, float]  # x0, x1, y0, y1 in Web Mercator metres


def zoom_for(width_m: float, width_px: float) -> int:
    """The tile zoom whose 256-px tiles are closest to the map's metres per pixel."""
    per_px = width_m / max(width_px, 1)
    return int(min(18, max(1, round(math.log2(2 * EARTH_HALF / (256 * per_px))))))


def tile_range(x0: float, x1: float, y0: float, y1: float, zoom: int) -> tuple[range, range]:
    """The tile columns and rows at `zoom` covering the Web Mercator box x0..x1, y0..y1."""
    n = 2 ** zoom
    size = 2 * EARTH_HALF / n
    cols = range(int((x0 + EARTH_HALF) // size), int((x1 + EARTH_HALF) // size) + 1)
    rows = range(int((EARTH_HALF - y1) // size), int((EARTH_HALF - y0) // size) + 1)
    return cols, rows


def _fetch(url: str, timeout: float) -> np.ndarray:
    from PIL import Image  # Pillow comes with matplotlib

    request = urllib.request.Request(url, headers={"User-Agent": "heze-park-map/1.0"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return np.asarray(Image.open(io.BytesIO(response.read())).convert("RGB"))


def _url(tile: TileSource, x: int, y: int, z: int) -> str:
    sub = tile.subdomains[(x + y) % len(tile.subdomains)] if tile.subdomains else ""
    return tile.url.replace("{s}", sub).replace("{x}", str(x)).replace("{y}", str(y)).replace(
        "{z}", str(z))


def mosaic(tile: TileSource, extent: tuple[float, float, float, float], width_px: float, *,
           timeout: float = 5.0) -> Mosaic:
    """All tiles covering `extent` (Web Mercator) at a zoom that suits `width_px`; raises
    TilesUnavailableError when any tile cannot be had, so a map never shows a half basemap."""
    x0, x1, y0, y1 = extent
    zoom = zoom_for(x1 - x0, width_px)
    cols, rows = tile_range(x0, x1, y0, y1, zoom)
    if len(cols) * len(rows) > MAX_TILES:
        raise TilesUnavailableError(f"{len(cols) * len(rows)} tiles needed at zoom {zoom}; "
                               f"at most {MAX_TILES}")
    urls = [[_url(tile, c, r, zoom) for c in cols] for r in rows]
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            images = [list(pool.map(lambda u: _fetch(u, timeout), row)) for row in urls]
    except (OSError, ValueError) as exc:  # URLError, timeouts, bad images
        raise TilesUnavailableError(f"tiles unreachable ({exc.__class__.__name__}: {exc})") from exc
    image = np.concatenate([np.concatenate(row, axis=1) for row in images], axis=0)
    size = 2 * EARTH_HALF / 2 ** zoom
    return Mosaic(image, (cols.start * size - EARTH_HALF, cols.stop * size - EARTH_HALF,
                          EARTH_HALF - rows.stop * size, EARTH_HALF - rows.start * size))
