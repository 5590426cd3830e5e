"""Static maps without a browser: layers drawn with matplotlib into a print layout (PNG, PDF)."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from matplotlib import font_manager, patheffects, rc_context
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrow, Rectangle
from matplotlib.patches import Polygon as MplPolygon

from geo.basemaps import TileSource
from geo.cloud import CloudLayer
from geo.geography import ArchiveUnreadableError
from geo.layers import ChoroplethLayer, OutlineLayer, PointLayer
from geo.maps import Legend, LegendItem
from geo.static_marks import MARKERS, draw_cloud, draw_points, to_mercator
from geo.tiles import TilesUnavailableError, mosaic
from geo.underlay import draw_underlay


@cache
def cjk_font() -> str:
    """Register the packaged Noto Sans CJK SC (mplfonts, SIL OFL) and return its family name, so
    Chinese renders the same on every machine, with or without system fonts."""
    import mplfonts  # imported here: only static exports need the 16 MB font

    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not path.exists():
        raise FileNotFoundError(f"CJK font missing from the mplfonts package: {path}")
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


@dataclass(frozen=True)
class Frame:
    """The print layout around a map: title, subtitle, legend, source line, date, note."""

    title: str
    subtitle: str = ""
    source: str = ""
    data_date: str = ""  # the data-date line as printed ("数据日期：截至 …")
    note: str = ""
    figures: str = ""  # one line of key figures, printed above the note
    legend: Legend | None = None
    link: str = ""  # a URL printed as a QR code beside the legend; "" = none
    link_label: str = "Scan to open"
    north: str = "N"  # label of the north arrow
    tiles_missing: str = "Basemap tiles unreachable: outlines only"
    archive_missing: str = "OSM basemap unreadable: outlines only"


def _rings(geometry) -> list[np.ndarray]:
    polygons = getattr(geometry, "geoms", [geometry])
    rings = []
    for polygon in polygons:
        for ring in (polygon.exterior, *polygon.interiors):
            xy = np.asarray(ring.coords)
            x, y = to_mercator(xy[:, 0], xy[:, 1])
            rings.append(np.column_stack([x, y]))
    return rings


def draw_polygons(ax: Axes, frame, *, edge: str, width: float, fills=None, alpha=0.0) -> None:
    """Rings of each polygon; a `colour` column overrides `edge` (and tints the fill) per row."""
    edges = list(frame["colour"]) if "colour" in frame.columns else [edge] * len(frame)
    for i, geometry in enumerate(frame.geometry):
        fill = fills[i] if fills is not None else "none"
        for ring in _rings(geometry):
            face = fill if fill == "none" else to_rgba(fill, alpha)  # edges stay opaque
            ax.add_patch(MplPolygon(ring, closed=True, facecolor=face, edgecolor=edges[i],
                                    linewidth=width, zorder=2 if fill == "none" else 1))


def draw_labels(ax: Axes, frame, size: float) -> None:
    """Each row's label at its label point, haloed and drawn under the markers."""
    x, y = to_mercator(frame["label_lon"].to_numpy(), frame["label_lat"].to_numpy())
    for xi, yi, text in zip(x, y, frame["label"], strict=True):
        # under the markers: a county name must never hide a record
        ax.text(xi, yi, text, ha="center", va="center", fontsize=size, color="#222222",
                zorder=4, path_effects=[_halo()])


def _halo() -> patheffects.withStroke:
    return patheffects.withStroke(linewidth=2.5, foreground="white")


def nice_length(span_m: float) -> float:
    """A round scale-bar length (1, 2 or 5 × 10^k m) near a fifth of the map width."""
    target = span_m / 5
    base = 10 ** math.floor(math.log10(target))
    return max(step * base for step in (1, 2, 5) if step * base <= target)


def draw_scale_bar(ax: Axes, lat: float) -> None:
    """Scale bar in ground metres (Web Mercator stretches by 1/cos(latitude))."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    stretch = 1 / math.cos(math.radians(lat))
    length = nice_length((x1 - x0) / stretch)
    left, bottom = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.04
    height = (y1 - y0) * 0.008
    for i in range(2):
        ax.add_patch(Rectangle((left + i * length * stretch / 2, bottom), length * stretch / 2,
                               height, facecolor="#222222" if i == 0 else "white",
                               edgecolor="#222222", linewidth=0.8, zorder=7))
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(left + length * stretch, bottom + height * 2.2, label, fontsize=8, ha="right",
            zorder=7, path_effects=[_halo()])
    ax.text(left, bottom + height * 2.2, "0", fontsize=8, ha="left", zorder=7,
            path_effects=[_halo()])


def draw_north_arrow(ax: Axes, label: str) -> None:
    """A north arrow with its label in the map's top-left corner."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    x, y = x0 + (x1 - x0) * 0.06, y1 - (y1 - y0) * 0.16
    ax.add_patch(FancyArrow(x, y, 0, (y1 - y0) * 0.07, width=(x1 - x0) * 0.005,
                            head_width=(x1 - x0) * 0.022, head_length=(y1 - y0) * 0.03,
                            color="#222222", zorder=7, length_includes_head=True))
    ax.text(x, y + (y1 - y0) * 0.08, label, ha="center", va="bottom", fontsize=11,
            fontweight="bold", zorder=7, path_effects=[_halo()])


def map_extent(bounds: tuple[float, float, float, float], aspect: float,
               margin: float = 0.04) -> tuple[float, float, float, float]:
    """Mercator extent around WGS-84 `bounds`, padded to the axes' width/height ratio."""
    xs, ys = to_mercator(np.array([bounds[0], bounds[2]]), np.array([bounds[1], bounds[3]]))
    w, h = (xs[1] - xs[0]) * (1 + 2 * margin), (ys[1] - ys[0]) * (1 + 2 * margin)
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    cx, cy = xs.mean(), ys.mean()
    return cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2


def _legend_marker(ax: Axes, x: float, y: float, item: LegendItem, size: float) -> None:
    if item.shape in ("line", "fill"):
        tall = 0.004 if item.shape == "line" else 0.012
        ax.add_patch(Rectangle((x - 0.03, y - tall / 2), 0.06, tall, facecolor=item.colour,
                               edgecolor="#555555", linewidth=0.4))
        return
    ax.scatter([x], [y], s=size ** 2 * 1.1, marker=MARKERS.get(item.shape, "o"),
               facecolors="white" if item.hollow else item.colour,
               edgecolors=item.colour if item.hollow else "#222222",
               linewidths=1.1 if item.hollow else 0.5)


def _legend_rows(legend: Legend) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = [("title", legend.title)]
    for section in legend.sections:
        if section.title:
            rows.append(("section", section.title))
        rows += [("item", item) for item in section.items]
    return rows


def draw_legend(ax: Axes, legend: Legend, size: float = 8.0) -> None:
    """The legend as a column of sections in its own axes (a side panel of the layout); rows
    shrink to fit the panel's height."""
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    rows = _legend_rows(legend)
    height_pt = ax.bbox.height * 72 / ax.figure.dpi
    step = min(size * 1.55 / height_pt, 0.97 / (len(rows) * 1.4))
    size = min(size, step * height_pt / 1.55)
    y = 0.99
    for kind, value in rows:
        if kind == "title":
            ax.text(0.0, y, value, fontsize=size + 2, fontweight="bold", va="top")
        elif kind == "section":
            ax.text(0.0, y - step * 0.3, value, fontsize=size + 0.3, fontweight="bold", va="top")
        else:
            _legend_marker(ax, 0.05, y - step * 0.45, value, size)
            ax.text(0.12, y, value.label, fontsize=size, va="top")
        y -= step * (1.35 if kind != "section" else 1.5)
    if legend.note:
        ax.text(0.0, y - step * 0.3, legend.note, fontsize=size - 0.5, va="top", wrap=True,
                color="#444444")


def draw_map(ax: Axes, layers: list, bounds: tuple[float, float, float, float], *,
             point_size: float = 7.0, label_size: float = 9.0, north: str = "N",
             tiles: TileSource | None = None, archive: str | Path = "",
             lang: str = "zh") -> dict[str, str]:
    """All layers into `ax` (Web Mercator), with scale bar and north arrow. With `tiles`, and
    with an OSM `archive` (its place names in `lang`), the basemap is drawn underneath when it
    can be had; returns why each one asked for was left out ({"tiles": why, "archive": why})."""
    width, height = ax.bbox.width, ax.bbox.height
    x0, x1, y0, y1 = map_extent(bounds, width / height)
    ax.set_facecolor("#EEF1F4")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    _draw_areas(ax, layers, label_size)
    for layer in layers:  # points over every area
        if isinstance(layer, PointLayer):
            draw_points(ax, layer, point_size)
        elif isinstance(layer, CloudLayer):
            draw_cloud(ax, layer, point_size * 0.45, bounds)
    draw_scale_bar(ax, (bounds[1] + bounds[3]) / 2)
    draw_north_arrow(ax, north)
    # last, though drawn beneath: the basemap's place names make way for the texts already placed
    return _basemaps(ax, (x0, x1, y0, y1), tiles, archive, lang, label_size / 9.0)


def _basemaps(ax: Axes, extent: tuple[float, float, float, float], tiles: TileSource | None,
              archive: str | Path, lang: str, text_scale: float) -> dict[str, str]:
    """Raster tiles and the archive's geography under the layers; why either was left out."""
    missing = {}
    if tiles is not None:
        try:
            tiled = mosaic(tiles, extent, ax.bbox.width)
            ax.imshow(tiled.image, extent=tiled.extent, zorder=0, interpolation="bilinear")
        except TilesUnavailableError as exc:
            missing["tiles"] = str(exc)
    if archive:
        try:
            draw_underlay(ax, archive, extent, ax.bbox.width, lang, text_scale)
        except ArchiveUnreadableError as exc:
            missing["archive"] = str(exc)
    ax.set_xlim(*extent[:2])  # imshow widens the view to the whole tiles
    ax.set_ylim(*extent[2:])
    return missing


def _draw_areas(ax: Axes, layers: list, label_size: float) -> None:
    for layer in layers:
        if isinstance(layer, ChoroplethLayer):
            draw_polygons(ax, layer.frame, edge="#555555", width=0.6,
                          fills=list(layer.frame["fill"]), alpha=0.7)
        elif isinstance(layer, OutlineLayer):
            fills = list(layer.frame["colour"]) if "colour" in layer.frame.columns else None
            draw_polygons(ax, layer.frame, edge=layer.colour, width=layer.weight * 0.6,
                          fills=fills, alpha=0.2)
            if layer.labels:
                draw_labels(ax, layer.frame, label_size)


def compose(layers: list, bounds: tuple[float, float, float, float], frame: Frame, *,
            width_px: int = 1600, height_px: int = 1200, dpi: int = 150,
            tiles: TileSource | None = None, archive: str | Path = "",
            lang: str = "zh") -> Figure:
    """A whole map sheet: title, subtitle, map with scale bar and north arrow, legend panel,
    footer with source line, data date and note. An empty title and source give a bare map with
    its legend (for slides, which carry their own title and source line)."""
    with rc_context({"font.family": [cjk_font(), "DejaVu Sans"], "pdf.fonttype": 42}):
        fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, facecolor="white")
        top = 0.89 if frame.title else 0.98
        bottom = 0.11 if (frame.source or frame.note or frame.figures) else 0.02
        if frame.title:
            fig.text(0.03, 0.965, frame.title, fontsize=17, fontweight="bold", va="top")
        if frame.subtitle:
            fig.text(0.03, 0.915, frame.subtitle, fontsize=10, va="top", color="#444444")
        if frame.data_date:
            fig.text(0.97, 0.915, frame.data_date, fontsize=10,
                     va="top", ha="right", color="#444444")
        legend_w = 0.22 if frame.legend else 0.0
        ax = fig.add_axes((0.03, bottom, 0.94 - legend_w, top - bottom))
        missing = draw_map(ax, layers, bounds, north=frame.north, tiles=tiles, archive=archive,
                           lang=lang)
        _side_panel(fig, frame, (0.99 - legend_w, bottom, legend_w - 0.01, top - bottom))
        _footer(fig, frame)
        if missing:  # said on the sheet, so nobody wonders where the basemap went
            fig.text(0.97, 0.03, missing_note(frame, missing), fontsize=7, ha="right",
                     va="bottom", color="#8A4B00")
    return fig


def _side_panel(fig: Figure, frame: Frame, rect: tuple[float, float, float, float]) -> None:
    """The legend in `rect` (figure fractions), the QR code of the link at its foot."""
    left, bottom, width, height = rect
    if frame.link:  # a square at the foot of the column, a caption under it
        left, width = (left, width) if frame.legend else (0.86, 0.11)
        aspect = fig.get_figwidth() / fig.get_figheight()
        side = min(width, 0.17 / aspect)
        draw_qr(fig.add_axes((left, bottom + 0.025, side, side * aspect)), frame.link,
                frame.link_label)
        bottom, height = bottom + side * aspect + 0.04, height - side * aspect - 0.04
    if frame.legend:
        draw_legend(fig.add_axes((left, bottom, width, height)), frame.legend)


def qr_matrix(link: str) -> np.ndarray:
    """The QR code of `link` as a 0/1 array with its quiet zone (segno, medium error level)."""
    import segno  # imported here: only exports with a link need it

    code = segno.make(link, error="m", micro=False)
    return np.array([list(row) for row in code.matrix_iter(scale=1, border=2)], dtype=np.uint8)


def qr_png(link: str, scale: int = 8) -> bytes:
    """The QR code of `link` as a PNG (slides place it as a picture)."""
    import segno

    buffer = io.BytesIO()
    segno.make(link, error="m", micro=False).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def draw_qr(ax: Axes, link: str, label: str = "", size: float = 7.0) -> None:
    """The QR code of `link` filling `ax`, with `label` under it."""
    ax.set_axis_off()
    ax.imshow(qr_matrix(link), cmap="gray_r", interpolation="nearest", vmin=0, vmax=1)
    if label:
        ax.text(0.5, -0.02, label, transform=ax.transAxes, ha="center", va="top",
                fontsize=size, color="#333333")


def missing_note(frame: Frame, missing: dict[str, str]) -> str:
    """What the sheet says about each basemap left out ('' when none was)."""
    notes = {"tiles": frame.tiles_missing, "archive": frame.archive_missing}
    return "  ".join(notes[kind] for kind in missing)


def _footer(fig: Figure, frame: Frame) -> None:
    if frame.source:  # higher when the figures line is below it (the source may wrap)
        fig.text(0.03, 0.102 if frame.figures else 0.09, frame.source, fontsize=7.5, va="top",
                 color="#333333", wrap=True)
    if frame.figures:
        fig.text(0.03, 0.052, frame.figures, fontsize=8, va="bottom", color="#1F3A5F")
    if frame.note:
        fig.text(0.03, 0.03, frame.note, fontsize=8, va="bottom", color="#8A4B00")


def to_png(fig: Figure) -> bytes:
    """The figure as PNG bytes at its own dpi, on a white background."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, facecolor="white")
    return buffer.getvalue()
