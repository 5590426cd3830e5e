"""Tests for parks.files.park_outline and `python -m parks outline import`: a synthetic 界址点 table
for a real park's county, checked, saved with audit, refused when it lies elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyproj import Transformer

from geo.boundaries import load_counties
from parks.__main__ import main
from parks.store import open_store

PARK = "p-dongming-petrochem"  # in 东明县 (371728)
TO_ZONE_38 = Transformer.from_crs("EPSG:4326", "EPSG:4526", always_xy=True)


def _square(lon: float, lat: float, half: float = 0.005) -> list[tuple[float, float]]:
    return [(lon - half, lat - half), (lon + half, lat - half), (lon + half, lat + half),
            (lon - half, lat + half)]


def _table(path: Path, corners: list[tuple[float, float]]) -> Path:
    """A synthetic 界址点 table: CGCS2000 3° zone 38, X (northing) first, as surveyors write."""
    rows = ["界址点坐标表（合成，测试用）", "点号,X,Y"]
    for i, (lon, lat) in enumerate(corners):
        east, north = TO_ZONE_38.transform(lon, lat)
        rows.append(f"J{i + 1},{north:.3f},{east:.3f}")
    path.write_text("\n".join(rows), encoding="utf-8")
    return path


def _inside(adcode: str) -> tuple[float, float]:
    counties = load_counties("371700")
    point = counties[counties["adcode"] == adcode].geometry.iloc[0].representative_point()
    return point.x, point.y


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store.gpkg"


def _run(capsys, *args: str) -> tuple[int, dict]:
    code = main(["outline", "import", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_a_dry_run_reports_the_outline_and_stores_nothing(tmp_path, store, capsys):
    table = _table(tmp_path / "synthetic-jzd.csv", _square(*_inside("371728")))
    code, report = _run(capsys, str(table), "--park", PARK, "--store", str(store), "--dry-run")
    assert code == 0 and report["problems"] == []
    assert report["park"] == PARK and report["crs"] == "EPSG:4526" and report["rings"] == 1
    assert "zone 38" in report["crs_reason"]
    assert report["area_km2"] == pytest.approx((0.01 * 111.32) ** 2 * 0.82, rel=0.05)  # ~1 km²
    assert report["centroid"] == pytest.approx(list(_inside("371728")), abs=1e-4)
    with open_store(store) as opened:
        assert opened.read_tables()["parks"].set_index("id").loc[PARK, "boundary"] == ""


def test_an_import_saves_the_outline_with_its_source_in_the_audit(tmp_path, store, capsys):
    table = _table(tmp_path / "synthetic-jzd.csv", _square(*_inside("371728")))
    code, _ = _run(capsys, str(table), "--park", PARK, "--store", str(store), "--user", "lee")
    assert code == 0
    with open_store(store) as opened:
        park = opened.read_tables()["parks"].set_index("id").loc[PARK]
        audit = opened.audit("parks", PARK)
    assert park["boundary"].startswith("MULTIPOLYGON") and park["precision"] == "surveyed"
    assert "synthetic-jzd.csv" in park["note"]
    [mine] = audit[audit["user"] == "lee"].to_dict("records")
    assert mine["reason"] == "outline from synthetic-jzd.csv"


def test_an_outline_in_another_county_is_refused(tmp_path, store, capsys):
    table = _table(tmp_path / "synthetic-jzd.csv", _square(*_inside("371722")))  # 单县
    code, report = _run(capsys, str(table), "--park", PARK, "--store", str(store))
    assert code == 1 and "outside 东明县" in report["problems"][0]
    with open_store(store) as opened:
        assert opened.read_tables()["parks"].set_index("id").loc[PARK, "boundary"] == ""


def test_an_unknown_park_and_a_table_without_points_are_named(tmp_path, store, capsys):
    table = _table(tmp_path / "synthetic-jzd.csv", _square(*_inside("371728")))
    code, report = _run(capsys, str(table), "--park", "p-none", "--store", str(store))
    assert code == 1 and report["problems"] == ["no park with id 'p-none'"]
    words = tmp_path / "words.txt"
    words.write_text("只有说明文字\n没有坐标\n", encoding="utf-8")
    code, report = _run(capsys, str(words), "--park", PARK, "--store", str(store))
    assert code == 1 and "no row holds two coordinates" in report["problems"][0]


def test_the_park_profile_lists_who_is_inside_its_imported_outline(tmp_path, monkeypatch, capsys):
    import pandas as pd
    from streamlit.testing.v1 import AppTest

    from tests.apptest import APP, private_store
    from tests.records import at

    store = private_store(monkeypatch, tmp_path / "store")
    lon, lat = _inside("371728")
    table = _table(tmp_path / "synthetic-jzd.csv", _square(lon, lat))
    assert main(["outline", "import", str(table), "--park", PARK]) == 0
    capsys.readouterr()
    with open_store(store) as opened:
        firm = opened.read_tables()["enterprises"].iloc[0].to_dict()
        firm |= {"county_adcode": "371728", **at((lon, lat), 100, 100)}  # inside, synthetic
        opened.commit({"enterprises": pd.DataFrame([firm])}, user="test", reason="synthetic")
    app = AppTest.from_file(APP, default_timeout=120).run()
    app.switch_page("app_pages/park.py").run()
    app.selectbox(key="park_pick").set_value(PARK).run()
    assert not app.exception, app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert int(metrics["园内企业"]) == 1 and int(metrics["园内项目"]) == 0
    assert firm["name_zh"] in app.text[0].value
    assert "尚无标绘范围" not in " ".join(c.value for c in app.caption)


def test_the_edit_page_reads_a_table_as_the_pending_outline_and_saves_it(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.apptest import APP, audit, login, park_outline_tools, private_store, stored

    store = private_store(monkeypatch, tmp_path / "store")
    at = login(AppTest.from_file(APP, default_timeout=120).run())
    park_outline_tools(at, PARK)
    words = b"\xe5\x8f\xaa\xe6\x9c\x89\xe6\x96\x87\xe5\xad\x97\n"  # 只有文字: no coordinates
    at.file_uploader[0].set_value(("words.csv", words, "text/csv")).run()
    assert not at.exception, at.exception
    assert any("no row holds two coordinates" in e.value for e in at.error)
    table = _table(tmp_path / "synthetic-jzd.csv", _square(*_inside("371728")))
    at.file_uploader[0].set_value(("synthetic-jzd.csv", table.read_bytes(), "text/csv")).run()
    assert not at.exception, at.exception
    assert any("zone 38" in s.value for s in at.success)  # the CRS and its reason, said
    assert at.text_input(key=f"location_reason_{PARK}").value == "outline from synthetic-jzd.csv"
    at.button(key=f"save_location_{PARK}").click().run()
    assert not at.exception, at.exception
    saved = audit(store, "parks", PARK)
    assert "outline from synthetic-jzd.csv" in set(saved["reason"])
    assert stored(store, "parks", PARK)["precision"] == "surveyed"  # an official 界址点 table


def test_an_outline_from_a_gis_file_is_saved_as_digitised_from_the_edit_page(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.apptest import APP, login, park_outline_tools, private_store, stored

    store = private_store(monkeypatch, tmp_path / "store")
    at = login(AppTest.from_file(APP, default_timeout=120).run())
    park_outline_tools(at, PARK)
    corners = _square(*_inside("371728"))
    shape = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
             "geometry": {"type": "Polygon", "coordinates": [[*corners, corners[0]]]}}]}
    data = json.dumps(shape).encode()
    at.file_uploader[0].set_value(("synthetic-outline.geojson", data, "application/geo+json")).run()
    assert not at.exception, at.exception
    at.button(key=f"save_location_{PARK}").click().run()
    assert not at.exception, at.exception
    saved = stored(store, "parks", PARK)
    assert saved["boundary"] and saved["precision"] == "digitised"  # drawn, not surveyed


def test_the_precision_rule_is_one_for_the_cli_and_the_edit_page():
    from parks.files.park_outline import outline_precision

    assert outline_precision("界址点.XLSX") == outline_precision("jzd.txt") == "surveyed"
    for name in ("a.kml", "a.kmz", "a.dxf", "a.zip", "a.geojson"):
        assert outline_precision(name) == "digitised", name
