"""Tests for geo.tiles and tiles under static maps, against a local tile server (no network)."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from PIL import Image

from geo.basemaps import TileSource
from geo.static_map import Frame, compose, to_png
from geo.tiles import TilesUnavailableError, mosaic, tile_range, zoom_for


class _Tiles(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if "/broken/" in self.path:
            self.send_error(500)
            return
        buffer = io.BytesIO()
        Image.new("RGB", (256, 256), (200, 30, 30)).save(buffer, format="PNG")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(buffer.getvalue())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


EXTENT = (12_800_000.0, 12_950_000.0, 4_120_000.0, 4_270_000.0)  # around Heze, Web Mercator


def test_zoom_and_tile_range():
    assert zoom_for(150_000, 1000) == 10  # 153 m per pixel at zoom 10, about 150 km / 1000 px
    cols, rows = tile_range(*EXTENT, 10)
    assert (len(cols), len(rows)) == (4, 5)


def test_mosaic_stitches_the_tiles(server):
    tiled = mosaic(TileSource(f"{server}/{{z}}/{{x}}/{{y}}.png", ""), EXTENT, 1000)
    assert tiled.image.shape == (5 * 256, 4 * 256, 3)
    x0, x1, y0, y1 = tiled.extent
    assert x0 <= EXTENT[0] and x1 >= EXTENT[1] and y0 <= EXTENT[2] and y1 >= EXTENT[3]


def test_one_broken_tile_means_no_basemap(server):
    with pytest.raises(TilesUnavailableError, match="unreachable"):
        mosaic(TileSource(f"{server}/broken/{{z}}/{{x}}/{{y}}.png", ""), EXTENT, 1000,
               timeout=2)
    with pytest.raises(TilesUnavailableError, match="at most"):
        mosaic(TileSource(f"{server}/{{z}}/{{x}}/{{y}}.png", ""), EXTENT, 20_000)


def test_static_map_draws_tiles_when_reachable_and_says_when_not(server, cache_dir):
    from geo.boundaries import load_counties
    from geo.layers import OutlineLayer

    counties = load_counties("371700", cache_dir=cache_dir).assign(label="")
    layers = [OutlineLayer("c", counties, labels=False)]
    bounds = tuple(counties.total_bounds)
    frame = Frame("t", source="s", tiles_missing="NO TILES")
    good = to_png(compose(layers, bounds, frame, width_px=600, height_px=450, dpi=72,
                          tiles=TileSource(f"{server}/{{z}}/{{x}}/{{y}}.png", "")))
    pixels = np.asarray(Image.open(io.BytesIO(good)).convert("RGB")).astype(int)
    red = (pixels[:, :, 0] == 200) & (pixels[:, :, 1] == 30)
    assert red.mean() > 0.3  # the tile colour fills the map
    broken = to_png(compose(layers, bounds, frame, width_px=600, height_px=450, dpi=72,
                            tiles=TileSource(f"{server}/broken/{{z}}/{{x}}/{{y}}.png", "")))
    pixels = np.asarray(Image.open(io.BytesIO(broken)).convert("RGB")).astype(int)
    assert ((pixels[:, :, 0] == 200) & (pixels[:, :, 1] == 30)).mean() == 0
