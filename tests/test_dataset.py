"""Tests for parks.model.dataset and parks.model.validate: typed, located records; every problem at once."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from geo.crs import distance_m
from parks.errors import DataValidationError
from parks.model.dataset import CODED, check_data, coded, load_dataset
from tests.records import AIRPORT, DATA, ENTERPRISE, PARK, PROJECT, UNLOCATED, mini_data


def _load(folder, cache_dir):
    return load_dataset("371700", data_dir=folder, cache_dir=cache_dir)


def test_records_are_placed_by_precision(tmp_path, cache_dir):
    ds = _load(mini_data(tmp_path / "d"), cache_dir)
    parks = ds.parks.set_index("id")
    town = parks.loc["p-yuncheng-chem"]
    assert town["approximate"] and town["county"] == "郓城县"
    assert distance_m(town["lon"], town["lat"], 116.01528, 35.47724) < 5  # 随官屯镇 seat
    assert not parks.loc["p-airport", "approximate"]
    assert parks.loc["p-airport", "area_km2"] != parks.loc["p-airport", "area_km2"]  # NaN
    assert parks.loc["p-yuncheng-chem", "area_km2"] == pytest.approx(5.2512)
    ents = ds.enterprises.set_index("id")
    assert ents.loc["e-kunhetang"].geometry is None  # unlocated: counted, never drawn
    assert distance_m(ents.loc["e-saituo", "lon"], ents.loc["e-saituo", "lat"],
                      115.567482, 35.071792) < 5  # 定陶区 seat
    assert ds.as_of == "2024-01-16"
    assert ds.parks.crs.to_epsg() == 4326


def test_gcj02_points_are_converted_on_load(tmp_path, cache_dir):
    gcj = AIRPORT | {"lon": "115.742613", "lat": "35.21286", "crs": "GCJ02"}
    ds = _load(mini_data(tmp_path / "d", parks=[gcj]), cache_dir)
    row = ds.parks.iloc[0]
    assert 400 < distance_m(row["lon"], row["lat"], 115.742613, 35.21286) < 700
    assert row["crs"] == "WGS84"


def test_every_problem_is_reported_at_once(tmp_path, cache_dir):
    parks = [
        PARK | {"industries": "CHEM;NOPE"},  # unknown industry code
        AIRPORT | {"lon": "121.47", "lat": "31.23"},  # Shanghai: outside Heze
        PARK | {"id": "p-yuncheng-chem", "area_km2": "5,25"},  # duplicate id + bad number
        AIRPORT | {"id": "p-swapped", "lon": "35.21333", "lat": "115.73667"},
    ]
    folder = mini_data(tmp_path / "d", parks=parks)
    with pytest.raises(DataValidationError) as info:
        _load(folder, cache_dir)
    found = {(p.file, p.row, p.field) for p in info.value.problems}
    assert found == {("parks.csv", 2, "industries"), ("parks.csv", 3, "lon"),
                     ("parks.csv", 4, "id"), ("parks.csv", 4, "area_km2"),
                     ("parks.csv", 5, "lon")}
    reasons = {p.row: p.reason for p in info.value.problems if p.field == "lon"}
    assert "outside 菏泽市" in reasons[3]
    assert "swapped" in reasons[5]
    assert "NOPE" in str(info.value)


def test_missing_column_is_named(tmp_path, cache_dir):
    folder = mini_data(tmp_path / "d")
    path = folder / "enterprises.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    drop = header.index("precision")
    path.write_text("\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != drop)
                              for line in lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        _load(folder, cache_dir)
    assert [(p.file, p.field, p.reason) for p in info.value.problems] == [
        ("enterprises.csv", "precision", "missing column")]


@pytest.mark.parametrize(("change", "field", "reason"), [
    ({"precision": "town", "town": "皇镇街道", "county_adcode": "371702"}, "town", "has a point"),
    ({"precision": "town", "town": "不存在镇"}, "town", "unknown 乡镇"),
    ({"precision": "unlocated"}, "precision", "a county is known"),
    ({"precision": "county", "lon": "115.5", "lat": "35.0", "crs": "WGS84"}, "lon", "derived"),
    ({"county_adcode": "370811"}, "county_adcode", "not a county of"),
    ({"subsector": "NEN.WIND"}, "subsector", "not a sub-sector"),
    ({"region_adcode": "110000"}, "region_adcode", "unknown region"),
    ({"precision": "exact"}, "precision", "not one of"),
    ({"source": ""}, "source", "required"),
    ({"as_of": "16/01/2024"}, "as_of", "not a date"),
])
def test_inconsistent_rows_are_rejected(tmp_path, cache_dir, change, field, reason):
    folder = mini_data(tmp_path / "d", enterprises=[ENTERPRISE | change])
    with pytest.raises(DataValidationError) as info:
        _load(folder, cache_dir)
    problems = [p for p in info.value.problems if p.field == field]
    assert problems and reason in problems[0].reason, info.value.problems
    assert problems[0].row == 2


def test_dangling_references(tmp_path, cache_dir):
    folder = mini_data(tmp_path / "d", projects=[PROJECT | {"park_id": "p-nowhere",
                                                            "enterprise_id": "e-saituo"}])
    with pytest.raises(DataValidationError) as info:
        _load(folder, cache_dir)
    assert [(p.field, p.value) for p in info.value.problems] == [("park_id", "p-nowhere")]


def test_non_utf8_file_is_a_problem_not_a_crash(tmp_path, cache_dir):
    folder = mini_data(tmp_path / "d")
    (folder / "projects.csv").write_bytes("id,name_zh\npr-a,达孚\n".encode("gbk"))
    problems = check_data(folder, cache_dir=cache_dir)
    assert any(p.file == "projects.csv" and "UTF-8" in p.reason for p in problems)


def test_other_region_rows_are_validated_but_not_loaded(tmp_path, cache_dir):
    jining = UNLOCATED | {"id": "e-jining", "region_adcode": "370800"}
    ds = _load(mini_data(tmp_path / "d", enterprises=[ENTERPRISE, jining]), cache_dir)
    assert list(ds.enterprises["id"]) == ["e-saituo"]
    jds = load_dataset("370800", data_dir=tmp_path / "d", cache_dir=cache_dir)
    assert list(jds.enterprises["id"]) == ["e-jining"]
    assert len(jds.counties) == 11


def test_a_record_in_a_town_a_zone_administers_carries_that_functional_area(tmp_path, cache_dir):
    """岳程街道 is administered by 菏泽经济技术开发区 (towns.csv unit 371771), named as the geocoder
    names it (place_aliases.csv); a 定陶区 record lies in no zone."""
    zoned = ENTERPRISE | {"id": "e-zoned", "county_adcode": "371702", "town": "岳程街道"}
    folder = mini_data(tmp_path / "d", enterprises=[ENTERPRISE, zoned])
    bare = _load(folder, cache_dir)  # no place_aliases.csv: the unit's own name
    assert list(bare.enterprises["functional_area"]) == ["", "菏泽经济技术开发区"]
    shutil.copy(DATA / "place_aliases.csv", folder / "place_aliases.csv")
    ds = _load(folder, cache_dir)
    areas = dict(zip(ds.enterprises["id"], ds.enterprises["functional_area"], strict=True))
    assert areas == {"e-saituo": "", "e-zoned": "菏泽经济开发区"}
    assert ds.zones[("371702", "吕陵镇")] == "菏泽高新区"
    assert set(ds.parks["functional_area"]) == {""}


def test_a_park_named_as_a_functional_area_puts_its_parks_and_firms_in_it(tmp_path, cache_dir):
    """A park whose name is a functional area's (place_aliases.csv) is in that area, and so are
    its child parks and the firms it holds; a firm whose town gives an area keeps that one."""
    zone = PARK | {"id": "p-zone", "name_zh": "菏泽高新技术产业开发区", "kind": "development_zone",
                   "county_adcode": "371702", "town": "", "precision": "county"}
    child = PARK | {"id": "p-child", "name_zh": "石墨烯产业园", "parent_id": "p-zone",
                    "county_adcode": "371702", "town": "", "precision": "county"}
    firm = ENTERPRISE | {"id": "e-in", "park_id": "p-child"}
    town = ENTERPRISE | {"id": "e-town", "park_id": "p-zone", "county_adcode": "371702",
                         "town": "岳程街道"}
    folder = mini_data(tmp_path / "d", parks=[PARK, zone, child],
                       enterprises=[ENTERPRISE, firm, town])
    shutil.copy(DATA / "place_aliases.csv", folder / "place_aliases.csv")
    ds = _load(folder, cache_dir)
    assert list(ds.parks["functional_area"]) == ["", "菏泽高新区", "菏泽高新区"]
    assert list(ds.enterprises["functional_area"]) == ["", "菏泽高新区", "菏泽经济开发区"]


def test_the_enterprises_repeated_texts_are_held_dictionary_encoded(tmp_path, cache_dir):
    ds = _load(mini_data(tmp_path / "d"), cache_dir)
    ents = ds.enterprises
    assert [c for c in CODED if not isinstance(ents[c].dtype, pd.CategoricalDtype)] == []
    assert coded(ents) is ents  # encoded once: a snapshot read back is not encoded again
    by_id = ents.set_index("id")
    assert by_id.loc["e-kunhetang", "precision"] == "unlocated"
    assert set(ents.loc[ents["county"] == "定陶区", "id"]) == {"e-saituo"}
