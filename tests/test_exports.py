"""Exports read back: PNG decoded, PDF text extracted, PPTX opened, XLSX/CSV/GeoJSON parsed."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace

import numpy as np
import openpyxl
import pandas as pd
import pytest
from PIL import Image

from geo.snapshot import NoBrowserError, snapshot
from geo.static_map import map_extent, nice_length
from parks.analysis.query import Filters, Selection, filter_enterprises, filter_parks, filter_projects
from parks.display.print_map import BriefingSpec
from parks.files.exports import export, neutralise, selection_csv, selection_xlsx
from parks.files.reports import county_table

CHEM = Filters(kinds=("chemical_park",))


@pytest.fixture(scope="module")
def everything(heze):
    return Selection(heze.parks, heze.enterprises, heze.projects)


def _select(ds, filters: Filters) -> Selection:
    tax = ds.taxonomy
    return Selection(filter_parks(ds.parks, filters, tax),
                     filter_enterprises(ds.enterprises, filters, tax),
                     filter_projects(ds.projects, filters, tax))


def _png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


def test_png_has_the_size_asked_and_title_map_and_legend_drawn(heze, everything):
    spec = BriefingSpec(width_px=1200, height_px=900, dpi=120, title="测试图名")
    pixels = _png(export("png", heze, everything, spec).data)
    assert pixels.shape == (900, 1200, 3)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50  # not blank

    def ink(y0, y1, x0, x1, below=700):  # share of pixels darker than `below` (R+G+B)
        return float((pixels[y0:y1, x0:x1].sum(axis=2) < below).mean())

    assert ink(10, 70, 20, 400) > 0.03  # title band, top left
    assert ink(120, 700, 960, 1190) > 0.01  # legend panel, right
    assert ink(120, 780, 60, 900, below=760) > 0.8  # the map: grey ground, outlines, markers
    assert ink(120, 780, 60, 900) > 0.01  # … with dark lines and markers on it
    legend = pixels[120:700, 915:1190].reshape(-1, 3)
    assert ((legend[:, 0] > 100) & (legend[:, 1] < 60) & (legend[:, 2] > 50)).any()  # wine ◆


def test_png_dpi_and_size_change_the_image(heze, everything):
    small = _png(export("png", heze, everything, BriefingSpec(width_px=800, height_px=600,
                                                               dpi=80)).data)
    assert small.shape[:2] == (600, 800)


def test_pdf_text_has_title_date_source_and_table_values(heze):
    pypdf = pytest.importorskip("pypdf")
    selection = _select(heze, CHEM)
    spec = BriefingSpec(title="菏泽市省级化工园区简报", layers=("chemical_parks",))
    reader = pypdf.PdfReader(io.BytesIO(export("pdf", heze, selection, spec, CHEM).data))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = reader.pages[0].extract_text()
    newest = max(d for d in selection.parks["as_of"] if d)  # the shown records', not all
    for expected in ("菏泽市省级化工园区简报", f"数据日期：截至 {newest}", "来源", "县界", "东明县",
                     "按县区统计", "按产业统计", "主要项目", "生成日期"):
        assert expected in text, expected
    dongming = re.search(r"东明县\s+(\d+)\s+(\d+)\s+(\d+)", text)
    assert dongming and dongming.group(1) == "4"  # the park and its three 片区


def test_pptx_is_one_16_by_9_slide_with_map_title_and_source(heze, everything):
    pptx = pytest.importorskip("pptx")
    deck = pptx.Presentation(io.BytesIO(export("pptx", heze, everything,
                                               BriefingSpec(title="周报地图")).data))
    assert round(deck.slide_width / deck.slide_height, 2) == 1.78
    [slide] = deck.slides
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    pictures = [s for s in slide.shapes if s.shape_type == 13]
    assert "周报地图" in texts and any("来源" in t for t in texts)
    assert len(pictures) == 1 and pictures[0].width > deck.slide_width * 0.8


def test_xlsx_reads_back_one_sheet_per_layer(heze, everything):
    book = openpyxl.load_workbook(io.BytesIO(export("xlsx", heze, everything,
                                                    BriefingSpec()).data))
    # data/ has chemical enterprises, so the 入园率 sheet; no chemical park has an outline yet
    # people's sheets (Chinese headings and labels), then the same records with codes
    assert book.sheetnames == ["园区", "企业", "项目", "parks", "enterprises", "projects", "入园率"]
    overall = list(book["入园率"].values)[1]
    assert overall[0] == "全部" and overall[2] == 0 and overall[5].startswith("—")
    rows = list(book["enterprises"].values)
    assert rows[0][:3] == ("id", "name_zh", "name_en") and len(rows) == 1 + len(heze.enterprises)
    header = list(rows[0])
    saituo = next(r for r in rows if r[0] == "e-saituo-bio")
    assert saituo[header.index("precision")] == "county"
    assert saituo[header.index("county")] == "定陶区"


def test_csv_and_geojson_carry_precision_and_points(heze, everything):
    data = export("csv", heze, everything, BriefingSpec()).data
    assert data.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    total = sum(len(frame) for frame in everything.frames().values())
    assert len(table) == total and {"定位精度", "近似位置", "经度", "纬度"} <= set(table.columns)
    assert (table.loc[table["precision_code"] == "unlocated", "经度"] == "").all()
    geo = json.loads(export("geojson", heze, everything, BriefingSpec()).data)
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == total
    points = [f["geometry"]["coordinates"] for f in geo["features"] if f["geometry"]]
    assert all(114.7 < x < 116.7 and 34.3 < y < 36.0 for x, y in points)
    unlocated = sum(int(frame.geometry.isna().sum()) for frame in everything.frames().values())
    assert sum(f["geometry"] is None for f in geo["features"]) == unlocated > 0


def test_formulas_are_neutralised_in_csv_and_xlsx(heze):
    parks = heze.parks.copy()
    parks.loc[parks.index[0], "name_zh"] = '=HYPERLINK("http://evil","点我")'
    parks.loc[parks.index[1], "name_zh"] = "@SUM(1)"
    selection = Selection(parks.head(2), heze.enterprises.iloc[0:0], heze.projects.iloc[0:0])
    table = pd.read_csv(io.BytesIO(export("csv", heze, selection, BriefingSpec()).data),
                        encoding="utf-8-sig", dtype=str)
    assert list(table["中文名称"]) == ['\'=HYPERLINK("http://evil","点我")', "'@SUM(1)"]
    book = openpyxl.load_workbook(io.BytesIO(export("xlsx", heze, selection,
                                                    BriefingSpec()).data))
    cells = [c.value for c in book["parks"]["B"]][1:]
    assert cells[0].startswith("'=") and book["parks"]["B2"].data_type == "s"
    frame = pd.DataFrame({"a": ["-1+2", "ok", "+x"], "n": [1.5, -2.0, 3.0]})
    out = neutralise(frame)
    assert list(out["a"]) == ["'-1+2", "ok", "'+x"] and list(out["n"]) == [1.5, -2.0, 3.0]


def test_standalone_html_needs_no_server_or_internet(heze, everything):
    html = export("html", heze, everything, BriefingSpec()).data.decode("utf-8")
    assert "/app/static" not in html
    assert not re.search(r"<script[^>]+src=[\"']https?://", html)
    assert not re.search(r"<link[^>]+href=[\"']https?://", html)
    assert "L.map(" in html and "hz-legend" in html


def test_snapshot_without_browser_is_a_clear_error(monkeypatch):
    import geo.snapshot as module

    monkeypatch.setattr(module, "find_browser", lambda: None)
    with pytest.raises(NoBrowserError, match="apt-get install chromium"):
        snapshot("<html></html>")


def test_an_xlsx_over_the_row_limit_is_refused_and_csv_still_carries_every_row(
        heze, everything, monkeypatch):
    import parks.files.exports as module

    most = max(len(frame) for frame in everything.frames().values())
    monkeypatch.setattr(module, "XLSX_MAX_ROWS", most - 1)
    with pytest.raises(module.TooManyRowsError) as refused:
        export("xlsx", heze, everything, BriefingSpec())
    assert (refused.value.rows, refused.value.limit) == (most, most - 1)
    rows = pd.read_csv(io.BytesIO(export("csv", heze, everything, BriefingSpec()).data))
    assert len(rows) == sum(len(frame) for frame in everything.frames().values())
    monkeypatch.setattr(module, "XLSX_MAX_ROWS", most)
    assert export("xlsx", heze, everything, BriefingSpec()).data[:2] == b"PK"


def test_unknown_format_is_refused(heze, everything):
    with pytest.raises(ValueError, match="choose one of"):
        export("bmp", heze, everything, BriefingSpec())


def test_scale_bar_and_extent_helpers():
    assert nice_length(73_000) == 10_000 and nice_length(260_000) == 50_000
    x0, x1, y0, y1 = map_extent((115.0, 34.5, 116.5, 35.9), 2.0)
    assert (x1 - x0) / (y1 - y0) == pytest.approx(2.0)


def test_cli_export(tmp_path, capsys):
    from parks.__main__ import main

    store = str(tmp_path / "s.gpkg")
    out = tmp_path / "chem.png"
    assert main(["export", "--format", "png", "--out", str(out), "--kind", "chemical_park",
                 "--layers", "chemical_parks", "--width", "900", "--height", "700", "--dpi",
                 "100", "--store", store]) == 0
    with Image.open(out) as png:
        assert png.size == (900, 700)
    assert "10 records" in capsys.readouterr().out
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "x.csv"), "--county",
                 "不存在", "--store", store]) == 2


def test_cli_export_draws_the_osm_archive_when_there_is_one(tmp_path, monkeypatch,
                                                           region_archive):
    from geo.underlay import MAJOR
    from parks.__main__ import main

    pngs = {}
    for name, archive in (("with", region_archive), ("without", tmp_path / "none.pmtiles")):
        monkeypatch.setenv("HEZE_BASEMAP", str(archive))
        pngs[name] = tmp_path / f"{name}.png"
        assert main(["export", "--format", "png", "--out", str(pngs[name]), "--width", "900",
                     "--height", "700", "--dpi", "100",
                     "--store", str(tmp_path / "s.gpkg")]) == 0
    roads = {name: _near(_png(path.read_bytes()), MAJOR).sum() for name, path in pngs.items()}
    assert roads["with"] > 500 and roads["without"] < 50


def _map_pixel(spec: BriefingSpec, bounds, lon: float, lat: float) -> tuple[int, int]:
    """Row and column of (lon, lat) on a briefing PNG: the map fills 0.03–0.75 × 0.11–0.89 of
    the sheet (geo.static_map.compose with a title, a source line and a legend)."""
    from geo.static_marks import to_mercator

    width, height = spec.width_px * 0.72, spec.height_px * 0.78
    x0, x1, y0, y1 = map_extent(bounds, width / height)
    x, y = to_mercator(np.array([lon]), np.array([lat]))
    col = spec.width_px * 0.03 + (x[0] - x0) / (x1 - x0) * width
    row = spec.height_px * (1 - 0.11) - (y[0] - y0) / (y1 - y0) * height
    return round(row), round(col)


def _near(pixels: np.ndarray, colour: str, tolerance: int = 6) -> np.ndarray:
    from matplotlib.colors import to_rgb

    return np.abs(pixels - np.array(to_rgb(colour)) * 255).max(axis=-1) <= tolerance


def test_a_briefing_draws_the_archive_under_its_symbols(heze, everything, region_archive):
    from geo.underlay import MAJOR, RIVER

    spec = BriefingSpec(width_px=1200, height_px=900, dpi=120, archive=str(region_archive))
    drawn = _png(export("png", heze, everything, spec).data)
    bare = _png(export("png", heze, everything, replace(spec, archive="")).data)
    bounds = tuple(heze.counties.total_bounds)
    top, _ = _map_pixel(spec, bounds, 115.6, 35.85)
    bottom, col = _map_pixel(spec, bounds, 115.6, 34.6)
    trunk = _near(drawn[top:bottom, col - 3:col + 4], MAJOR).any(axis=1)  # 合成经5路, N–S
    assert trunk.mean() > 0.6  # amber road all along, but where outlines or symbols cross it
    assert _near(bare[top:bottom, col - 3:col + 4], MAJOR).any(axis=1).mean() < 0.05
    row, col = _map_pixel(spec, bounds, 114.9, 34.9 + 0.4 * 0.2 / 0.8)  # on the river
    assert _near(drawn[row - 3:row + 4, col - 3:col + 4], RIVER, 20).any()
    assert not _near(bare[row - 3:row + 4, col - 3:col + 4], RIVER, 20).any()
    wine = _near(bare[100:800, 36:900], "#8E1F5B", 40)  # the chemical parks' ◆, drawn on top
    assert wine.sum() > 50 and (wine & _near(drawn[100:800, 36:900], "#8E1F5B", 40)).mean() \
        >= wine.mean() * 0.95


def test_the_archive_is_credited_and_a_damaged_one_is_said(heze, everything, region_archive,
                                                          tmp_path):
    from parks.display.print_map import briefing_frame

    pypdf = pytest.importorskip("pypdf")
    spec = BriefingSpec(archive=str(region_archive))
    text = pypdf.PdfReader(io.BytesIO(export("pdf", heze, everything, spec).data)) \
        .pages[0].extract_text()
    assert "底图：© OpenStreetMap 贡献者 (ODbL)" in text and "离线底图无法读取" not in text
    english = briefing_frame(heze, everything, replace(spec, lang="en"), Filters())
    assert english.source.endswith("; Basemap: © OpenStreetMap contributors (ODbL)")
    damaged = tmp_path / "damaged.pmtiles"
    damaged.write_bytes(region_archive.read_bytes()[:5000])
    text = pypdf.PdfReader(io.BytesIO(export("pdf", heze, everything,
                                             replace(spec, archive=str(damaged))).data)) \
        .pages[0].extract_text()
    assert "离线底图无法读取，仅绘县界" in text and "OpenStreetMap" not in text
    small = BriefingSpec(width_px=1200, height_px=900, dpi=120, archive=str(damaged))
    note = _near(_png(export("png", heze, everything, small).data)[860:, 900:], "#8A4B00", 60)
    assert note.any()  # the sheet says so, bottom right; the outlines are still drawn
    assert "OpenStreetMap" not in briefing_frame(heze, everything, BriefingSpec(), Filters()).source


def test_the_chosen_osm_basemap_reaches_the_briefing_and_the_html(heze, everything, region_archive,
                                                                  tmp_path):
    from geo.basemaps import available_basemaps
    from geo.vector_basemap import publish

    pypdf = pytest.importorskip("pypdf")
    osm = available_basemaps({}, publish(region_archive, tmp_path / "static", "/s"))[0]
    text = pypdf.PdfReader(io.BytesIO(export("pdf", heze, everything, BriefingSpec(),
                                             basemap=osm).data)).pages[0].extract_text()
    assert "底图：© OpenStreetMap 贡献者 (ODbL)" in text
    page = export("html", heze, everything, BriefingSpec(), basemap=osm).data.decode("utf-8")
    assert "osm_vector_layer" in page and 'embedded = ""' not in page and '"/s/' not in page
    damaged = tmp_path / "damaged.pmtiles"
    damaged.write_bytes(region_archive.read_bytes()[:5000])
    broken = replace(osm, archive=replace(osm.archive, path=str(damaged)))
    page = export("html", heze, everything, BriefingSpec(), basemap=broken).data.decode("utf-8")
    assert "底图瓦片无法随文件保存" in page and "osm_vector_layer" not in page


# --- who is inside which park, and the 入园率, in the exports (synthetic outlines) ------------

def test_each_format_has_its_own_file_name(heze, everything):
    names = {fmt: export(fmt, heze, everything, BriefingSpec(), name="m").filename
             for fmt in ("png", "html", "csv")}
    assert names == {"png": "m-map.png", "html": "m.html", "csv": "m.csv"}
    from parks.files.exports import ENDING, FORMATS

    endings = [ENDING.get(fmt, "." + fmt) for fmt in FORMATS]
    assert len(set(endings)) == len(FORMATS)  # the browser screenshot is m-screenshot.png
    from ui.map_export import label

    assert len({label(fmt) for fmt in FORMATS}) == len(FORMATS)


def test_html_export_carries_title_subtitle_date_and_source(heze):
    selection = _select(heze, CHEM)
    spec = BriefingSpec(title="化工园区图", layers=("chemical_parks",))
    html = export("html", heze, selection, spec, CHEM).data.decode("utf-8")
    newest = max(d for d in selection.parks["as_of"] if d)
    for expected in ("<h1>化工园区图</h1>", "类型：化工园区", f"数据日期：截至 {newest}", "来源：",
                     "hz-legend"):
        assert expected in html, expected


def test_csv_and_xlsx_speak_the_ui_language_and_keep_the_codes(heze, everything):
    table = pd.read_csv(io.BytesIO(export("csv", heze, everything, BriefingSpec()).data),
                        encoding="utf-8-sig", dtype=str, keep_default_na=False)
    row = table.set_index("编号").loc["e-saituo-bio"]
    assert (row["产业"], row["industry_code"]) == ("生物医药", "BIO")
    assert (row["图层"], row["layer_code"], row["县区"], row["县区代码"]) == (
        "企业", "enterprises", "定陶区", "371703")
    assert (row["定位精度"], row["precision_code"]) == ("县城驻地（近似）", "county")
    park = table.set_index("编号").loc["p-dongming-petrochem"]
    assert (park["类型"], park["kind_code"]) == ("化工园区", "chemical_park")
    english = pd.read_csv(io.BytesIO(export("csv", heze, everything,
                                            BriefingSpec(lang="en")).data),
                          encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert english.set_index("ID").loc["p-dongming-petrochem", "Kind"] == "chemical park"
    book = openpyxl.load_workbook(io.BytesIO(export("xlsx", heze, everything,
                                                    BriefingSpec()).data))
    people = list(book["企业"].values)
    assert people[0][:3] == ("编号", "中文名称", "英文名称") and "BIO" not in people[1]
    codes = list(book["enterprises"].values)
    assert codes[0][:3] == ("id", "name_zh", "name_en")


def test_an_exported_csv_reads_back_through_the_import(heze, tmp_path, capsys):
    from parks.__main__ import main

    firms = heze.enterprises[heze.enterprises["precision"].isin(["surveyed", "digitised"])]
    shown = Selection(heze.parks.iloc[0:0], firms, heze.projects.iloc[0:0])
    path = tmp_path / "firms.csv"
    path.write_bytes(export("csv", heze, shown, BriefingSpec()).data)
    assert main(["import", str(path), "--kind", "enterprises", "--dry-run", "--store",
                 str(tmp_path / "s.gpkg"), "--user", "t"]) == 0
    out = capsys.readouterr().out
    assert "产业 → industry" in out and "县区代码 → county_adcode" in out
    assert f"{len(firms)} row(s) valid, 0 with errors" in out


def test_csv_and_xlsx_have_a_functional_area_column(heze):
    firms = heze.enterprises.assign(functional_area="")
    firms.loc[firms.index[0], "functional_area"] = "菏泽高新区"
    frames = {"parks": heze.parks.assign(functional_area=""), "enterprises": firms}
    table = pd.read_csv(io.BytesIO(selection_csv(frames)), encoding="utf-8-sig", dtype=str,
                        keep_default_na=False)
    assert list(table["功能区"]).count("菏泽高新区") == 1
    assert table.columns.get_loc("功能区") == table.columns.get_loc("乡镇/街道") + 1
    book = openpyxl.load_workbook(io.BytesIO(selection_xlsx(frames)))
    rows = list(book["enterprises"].values)
    assert rows[1][rows[0].index("functional_area")] == "菏泽高新区"
    assert "功能区" in next(iter(book["企业"].values))


def test_the_briefing_counts_functional_areas_beside_the_counties(heze):
    pypdf = pytest.importorskip("pypdf")
    parks, projects = (f.assign(functional_area="") for f in (heze.parks, heze.projects))
    firms = heze.enterprises.copy()
    firms["functional_area"] = ["菏泽高新区" if i < 3 else "" for i in range(len(firms))]
    selection = Selection(parks, firms, projects)
    assert ["功能区：菏泽高新区", "0", "3", "0"] in county_table(heze, selection, "zh")
    plain = county_table(heze, Selection(parks, firms.assign(functional_area=""), projects), "zh")
    assert not any(row[0].startswith("功能区") for row in plain)  # no area, no row
    reader = pypdf.PdfReader(io.BytesIO(export("pdf", heze, selection, BriefingSpec()).data))
    assert re.search(r"功能区：菏泽高新区\s+0\s+3\s+0", reader.pages[0].extract_text())


def test_formulas_in_categorical_columns_are_neutralised(heze):
    coded = pd.DataFrame({"s": pd.Series(["=1+2", "ok", "=1+2"], dtype="category")})
    assert list(neutralise(coded)["s"]) == ["'=1+2", "ok", "'=1+2"]
    firms = heze.enterprises.head(3).copy()  # `source` is one of the enterprises' categoricals
    firms["source"] = pd.Series(["=cmd|' /C calc'!A0", "seed-002", "seed-002"],
                                index=firms.index, dtype="category")
    selection = Selection(heze.parks.iloc[0:0], firms, heze.projects.iloc[0:0])
    data = export("csv", heze, selection, BriefingSpec()).data.decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in data and ",=cmd" not in data
