"""Streamlit AppTest: every page runs, filters change the table, bad data is shown plainly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from parks.model.industries import load_taxonomy
from parks.store import open_store
from tests.apptest import APP, audit, login, private_store
from ui.session import app_heading

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(autouse=True)
def store_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every test gets its own working store and editors file."""
    return private_store(monkeypatch, tmp_path / "store")


def _app(monkeypatch: pytest.MonkeyPatch, data_dir: Path | None = None, *, table: str | None = None
         ) -> AppTest:
    """The app on its map page; with `table`, the table of that kind opened under the map."""
    if data_dir is not None:
        monkeypatch.setenv("HEZE_DATA_DIR", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    if table is not None:
        at.segmented_control(key="map_table__zh").set_value(table).run()
        assert not at.exception, at.exception
    return at


def test_bad_settings_stop_the_app_with_every_problem_listed(monkeypatch):
    monkeypatch.setenv("HEZE_GEOCODER", "baidu")
    monkeypatch.setenv("HEZE_CUSTOM_TILE_CRS", "EPSG:3857")
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    [error] = at.error
    assert "HEZE_GEOCODER" in error.value and "HEZE_CUSTOM_TILE_CRS" in error.value
    assert not at.title  # no page ran on bad settings


def test_map_page_runs_and_counts_records(monkeypatch, heze):
    at = _app(monkeypatch)
    assert at.title[0].value == "产业园区地图 · 菏泽市"
    metrics = {m.label: m.value for m in at.metric}
    # unfiltered, the page counts every record of data/ (its store is built from data/)
    assert int(metrics["园区"]) == len(heze.parks) and int(metrics["企业"]) == len(heze.enterprises)
    assert not at.error


def test_county_filter_changes_the_table(monkeypatch):
    at = _app(monkeypatch, table="parks")
    before = len(at.dataframe[0].value)
    at.multiselect(key="map_counties__zh").set_value(["371728"]).run()  # 东明县
    assert not at.exception
    after = at.dataframe[0].value
    assert 0 < len(after) < before
    assert set(after["县区"]) == {"东明县"}
    assert int(next(m.value for m in at.metric if m.label == "园区")) == len(after)


def test_kind_filter_and_search(monkeypatch):
    at = _app(monkeypatch, table="parks")
    at.multiselect(key="map_kinds__zh").set_value(["chemical_park"]).run()
    kinds = set(at.dataframe[0].value["类型"])
    assert kinds == {"化工园区"}
    at.text_input(key="map_search__zh").set_value("郓城").run()
    names = list(at.dataframe[0].value["名称"])
    assert names and all("郓城" in n for n in names)


def test_filter_with_no_match_says_so(monkeypatch):
    at = _app(monkeypatch, table="parks")
    at.text_input(key="map_search__zh").set_value("没有这个名字").run()
    assert not at.exception
    assert any("没有符合" in i.value for i in at.info)


def test_231_tier_filter(monkeypatch):
    at = _app(monkeypatch, table="parks")
    at.multiselect(key="map_tiers__zh").set_value(["2"]).run()  # 生物医药 + 高端化工
    assert not at.exception
    shown = at.dataframe[0].value
    tax = load_taxonomy(DATA / "industries.csv")
    core = [i.label.zh for i in tax.industries if tax.tier(i.code) == "2"]
    assert "现代中药" in core and "高端化工" in core
    assert len(shown) > 0 and shown["产业"].str.contains("|".join(core)).all()
    assert "济铁菏泽物流园" not in set(shown["名称"])  # 商贸物流 only: tier 3


def test_english_switch(monkeypatch):
    at = _app(monkeypatch, table="parks")
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Industrial Park Map · Heze"
    assert "Precision" in at.dataframe[0].value.columns


def test_jining_region_loads_the_same_way(monkeypatch):
    at = _app(monkeypatch)
    at.selectbox(key="region__zh").set_value("370800").run()
    assert not at.exception
    assert at.title[0].value == "产业园区地图 · 济宁市"  # the app's name names no other city
    assert app_heading("en", "370800") == "Industrial Park Map · Jining"  # the browser tab's title


def test_targets_page(monkeypatch):
    at = _app(monkeypatch)
    at.switch_page("app_pages/targets.py").run()
    assert not at.exception
    assert "战略性新兴产业目标" in at.title[0].value
    texts = " ".join(str(df.value.to_numpy().tolist()) for df in at.dataframe)
    assert "1200 亿元以上" in texts and "力争 360 亿元" in texts


def test_quality_page(monkeypatch):
    at = _app(monkeypatch)
    at.switch_page("app_pages/quality.py").run()
    assert not at.exception
    assert any("所有数据行均通过校验" in s.value for s in at.success)
    subheaders = [s.value for s in at.subheader]
    assert "仅定位到县区的记录" in subheaders
    # data/'s zone parks (菏泽高新技术产业开发区 …) put them, their 片区 and their firms in a zone
    assert "按功能区" in subheaders
    [areas] = [d.value for d in at.dataframe if "功能区" in d.value.columns]
    hitech = areas.set_index("功能区").loc["菏泽高新区"]
    assert hitech["园区"] >= 1 and hitech["企业"] >= 1 and hitech["合计"] == hitech[:3].sum()


def test_bad_data_is_shown_plainly_and_last_good_data_kept(monkeypatch, data_copy):
    at = _app(monkeypatch, data_copy, table="parks")
    good = len(at.dataframe[0].value)
    # the taxonomy loses a code that stored records use: they no longer validate
    taxonomy = data_copy / "industries.csv"
    lines = taxonomy.read_text(encoding="utf-8").splitlines(keepends=True)
    taxonomy.write_text("".join(line for line in lines if not line.startswith("HEM.PARTS,")),
                        encoding="utf-8")
    at.run()
    assert not at.exception
    assert at.error and "上次有效的数据" in at.error[0].value
    problems = at.dataframe[0].value
    assert list(problems.columns) == ["file", "row", "field", "value", "reason"]
    assert set(problems["value"]) == {"HEM.PARTS"}
    assert len(at.dataframe[1].value) == good  # the map page still shows the last good data


def test_bad_data_without_fallback_shows_problems_only(monkeypatch, data_copy):
    (data_copy / "projects.csv").write_bytes("id,name_zh\npr-x,达孚\n".encode("gbk"))
    at = _app(monkeypatch, data_copy)
    assert at.error
    assert "UTF-8" in " ".join(at.dataframe[0].value["reason"])


def test_language_switch_keeps_the_filters(monkeypatch):
    at = _app(monkeypatch, table="parks")
    at.multiselect(key="map_counties__zh").set_value(["371728"]).run()
    rows = len(at.dataframe[0].value)
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.multiselect(key="map_counties__en").value == ["371728"]
    assert len(at.dataframe[0].value) == rows
    assert set(at.dataframe[0].value["County"]) == {"Dongming County"}


def test_tables_follow_the_layers_shown(monkeypatch):
    at = _app(monkeypatch, table="parks")
    at.multiselect(key="map_layers__zh").set_value(["chemical_parks"]).run()
    assert not at.exception
    assert set(at.dataframe[0].value["类型"]) == {"化工园区"}
    metrics = {m.label: int(m.value) for m in at.metric if m.label != "数据日期"}
    assert metrics["企业"] == 0 and metrics["项目"] == 0



def test_table_opens_on_demand_closes_again_and_is_carried_by_the_link(monkeypatch):
    at = _app(monkeypatch)
    assert not at.dataframe and at.segmented_control(key="map_table__zh").value is None
    assert "table" not in at.query_params
    at.segmented_control(key="map_table__zh").set_value("parks").run()
    assert len(at.dataframe) == 1 and "类型" in at.dataframe[0].value.columns
    assert at.query_params["table"] == "parks"
    at.segmented_control(key="map_table__zh").set_value(None).run()
    assert not at.exception and not at.dataframe and "table" not in at.query_params
    linked = AppTest.from_file(APP, default_timeout=120)
    linked.query_params["table"] = "projects"
    linked.run()
    assert not linked.exception
    assert len(linked.dataframe) == 1 and "阶段" in linked.dataframe[0].value.columns
    stale = AppTest.from_file(APP, default_timeout=120)
    stale.query_params["table"] = "<b>x</b>"  # an unknown kind in a link opens no table
    stale.run()
    assert not stale.exception and not stale.dataframe


def test_one_table_at_a_time_and_the_choice_survives_a_filter_change(monkeypatch, heze):
    at = _app(monkeypatch, table="parks")
    assert len(at.dataframe) == 1 and "类型" in at.dataframe[0].value.columns
    at.segmented_control(key="map_table__zh").set_value("enterprises").run()
    firms = at.dataframe[0].value
    assert len(at.dataframe) == 1 and "全称" in firms.columns and len(firms) == len(heze.enterprises)
    at.multiselect(key="map_counties__zh").set_value(["371728"]).run()  # 东明县
    assert at.segmented_control(key="map_table__zh").value == "enterprises"
    assert set(at.dataframe[0].value["县区"]) == {"东明县"}
    at.multiselect(key="map_counties__zh").set_value([]).run()
    at.segmented_control(key="map_table__zh").set_value("unlocated").run()
    assert not at.exception
    shown = {md.value for md in at.markdown}
    assert any(v.startswith("**企业**") for v in shown)  # 66 seed firms have no place
    assert at.dataframe and all(df.value["定位精度"].eq("位置未知").all() for df in at.dataframe)

def test_the_tables_say_who_is_inside_which_park_by_outline(monkeypatch, store_path):
    """A synthetic outline on one 片区 of 东明石化 and a firm put inside it (never in data/)."""
    import pandas as pd
    from shapely.geometry import box

    from geo.boundaries import load_counties
    from parks.store import open_store

    dongming = load_counties("371700").set_index("adcode").geometry["371728"]
    middle = dongming.representative_point()
    at = _app(monkeypatch)  # the store is made from data/ on first use
    with open_store(store_path) as opened:
        tables = opened.read_tables()
        park = tables["parks"].set_index("id").loc["p-dongming-petrochem-main"]
        park = {**park.to_dict(), "id": "p-dongming-petrochem-main", "precision": "digitised",
                "lon": f"{middle.x:.6f}", "lat": f"{middle.y:.6f}", "crs": "WGS84",
                "boundary": box(middle.x - 0.01, middle.y - 0.01, middle.x + 0.01,
                                middle.y + 0.01).wkt}
        firm = {**tables["enterprises"].iloc[0].to_dict(), "county_adcode": "371728",
                "lon": f"{middle.x:.6f}", "lat": f"{middle.y:.6f}", "crs": "WGS84",
                "precision": "digitised"}
        opened.commit({"parks": pd.DataFrame([park]), "enterprises": pd.DataFrame([firm])},
                      user="test", reason="synthetic outline")
    at.run()
    at.segmented_control(key="map_table__zh").set_value("enterprises").run()
    assert not at.exception, at.exception
    firms = at.dataframe[0].value.set_index("编号")
    assert firms.loc[firm["id"], "所在园区"] == "东明石化产业园主片区"
    assert (firms["所在园区"] == "待定（仅知乡镇/县）").sum() > 0  # the seed's county-only firms
    assert any("是否在园待定" in c.value for c in at.caption)
    at.segmented_control(key="map_table__zh").set_value("parks").run()
    parks = at.dataframe[0].value.set_index("编号")
    assert parks.loc["p-dongming-petrochem-main", "范围内企业"] == "1"
    assert parks.loc["p-dongming-petrochem", "范围内企业"] == "1"  # through its 片区
    assert parks.loc["p-yuncheng-chem", "范围内企业"] == "—"  # no outline: nothing to say


def _import_page(monkeypatch) -> AppTest:
    at = login(_app(monkeypatch))
    at.switch_page("app_pages/import_data.py").run()
    assert not at.exception
    return at


def test_import_page_checks_previews_and_commits(monkeypatch, store_path, heze):
    at = _import_page(monkeypatch)
    at.radio(key="import_kind").set_value("enterprises").run()
    sheet = "企业名称,注册地址,行业\n新材料公司,巨野县麒麟镇,新材料\n外地公司,濮阳市东明路,新能源\n"
    at.file_uploader(key="import_file").set_value(("list.csv", sheet.encode("gbk"),
                                                   "text/csv")).run()
    assert not at.exception
    assert "gb18030" in " ".join(c.value for c in at.caption)
    at.text_input(key="import_as_of").input("2024-06").run()  # the sheet has no date column
    at.button(key="import_check").click().run()
    assert not at.exception
    report = next(df.value for df in at.dataframe if "结果" in df.value.columns)
    assert list(report["结果"]) == ["✔ 通过", "✘ 错误"], report.to_dict("records")
    assert report.iloc[0]["定位精度"] == "乡镇驻地（近似）"
    assert "1 行可以导入，1 行有错误" in at.warning[0].value
    at.button(key="import_commit").click().run()
    assert not at.exception
    assert "新增 1" in at.success[0].value
    assert set(audit(store_path)["user"]) == {"baseline", "lee"}  # the login names the change
    at.switch_page("app_pages/map.py").run()
    assert int(next(m.value for m in at.metric if m.label == "企业")) == len(heze.enterprises) + 1


def test_import_page_states_one_limit_offers_templates_and_asks_the_files_date(
        monkeypatch, store_path):
    at = _import_page(monkeypatch)
    at.radio(key="import_kind").set_value("enterprises").run()
    uploader = at.file_uploader(key="import_file")
    assert uploader.proto.max_upload_size_mb == 20 and "20 MB" in uploader.label
    assert [b.proto.label for b in at.get("download_button")] == [
        "下载企业导入模板（XLSX，中文表头，含一行示例）"]
    sheet = ("企业名称,统一社会信用代码,注册地址\n"
             "甲公司,91371702MA00000280,山东省菏泽市曹县仵楼镇\n"  # synthetic codes
             "乙公司,91371702MA00000281,山东省菏泽市牡丹区\n")
    uploader.set_value(("list.csv", sheet.encode("utf-8"), "text/csv")).run()
    assert not at.exception, at.exception
    assert at.button(key="import_check").disabled  # no date yet: today is never assumed
    at.text_input(key="import_as_of").input("2023-06").run()
    at.button(key="import_check").click().run()
    assert not at.exception, at.exception
    report = next(df.value for df in at.dataframe if "结果" in df.value.columns).set_index("行")
    assert "乡镇「仵楼镇」已知，但 data/towns.csv 中没有它的驻地坐标" in report.loc[2, "说明"]
    assert report.loc[3, "结果"] == "✘ 错误" and "校验位错误" in report.loc[3, "说明"]
    at.button(key="import_commit").click().run()
    with open_store(store_path) as opened:
        firms = opened.read_tables()["enterprises"].set_index("name_zh")
    assert tuple(firms.loc["甲公司", ["as_of", "credit_code", "precision"]]) == (
        "2023-06", "91371702MA00000280", "county")
    assert "乙公司" not in firms.index
    at.radio(key="lang").set_value("en").run()
    assert "up to 20 MB" in at.file_uploader(key="import_file").label


def test_import_page_refuses_a_non_spreadsheet_plainly(monkeypatch):
    at = _import_page(monkeypatch)
    at.file_uploader(key="import_file").set_value(("x.csv", b"%PDF-1.4 binary", "text/csv")).run()
    assert not at.exception
    assert "not a spreadsheet" in at.error[0].value


def test_export_panel_makes_files_for_download(monkeypatch):
    at = _app(monkeypatch)
    assert not [b for b in at.button if b.key.startswith("map_export")]  # closed: nothing drawn
    at.toggle(key="map_export_open").set_value(True).run()
    at.multiselect(key="map_kinds__zh").set_value(["chemical_park"]).run()
    for fmt in ("png", "csv", "xlsx"):
        at.button(key=f"map_export_make_{fmt}").click().run()
        assert not at.exception
    names = [b.proto.label for b in at.get("download_button")]
    assert any(n.endswith(".png") for n in names) and any(n.endswith(".xlsx") for n in names)
    at.multiselect(key="map_kinds__zh").set_value([]).run()  # another view: stale files go
    assert not at.get("download_button")


def test_snapshot_without_a_browser_says_so(monkeypatch):
    import geo.snapshot

    monkeypatch.setattr(geo.snapshot, "find_browser", lambda: None)
    at = _app(monkeypatch)
    at.toggle(key="map_export_open").set_value(True).run()
    at.button(key="map_export_make_snapshot").click().run()
    assert not at.exception
    assert any("Chromium" in e.value for e in at.error)


def test_link_opens_the_filters_it_carries_and_filters_are_written_back(monkeypatch):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["county"] = "371728"
    at.query_params["kind"] = "chemical_park,not-a-kind"  # unknown values are dropped
    at.query_params["lang"] = "en"
    at.query_params["table"] = "parks"
    at.run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert set(shown["County"]) == {"Dongming County"} and set(shown["Kind"]) == {
        "chemical park"}
    at.multiselect(key="map_counties__en").set_value(["371728", "371725"]).run()
    assert at.query_params["county"] == "371728,371725"
    assert at.query_params["lang"] == "en"


def test_quality_page_says_how_a_large_table_was_searched_and_how_much_it_shows(monkeypatch):
    import dataclasses

    from parks.analysis import duplicates
    from ui import map_tables
    # data/ as a large register: 10 records count as many, tables show 3 rows
    monkeypatch.setattr(duplicates, "EVERY_PAIR_UP_TO", 5)
    monkeypatch.setattr(duplicates, "NEIGHBOURS_UP_TO", 10)
    monkeypatch.setattr(map_tables, "DEFAULT_CONFIG",
                        dataclasses.replace(map_tables.DEFAULT_CONFIG, table_rows=3))
    at = _app(monkeypatch)
    at.switch_page("app_pages/quality.py").run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    # the largest table (data/ holds more enterprises than parks or projects) is named
    assert re.search(r"企业记录较多（\d+ 条）：只列出同一县区内去除通用词后名称相同的记录", captions)
    assert "表中只列出前 3 条" in captions
    assert all(len(d.value) <= 3 for d in at.dataframe if "id_a" in d.value.columns)
    weak = [d.value for d in at.dataframe if "编号" in d.value.columns]
    assert weak and all(len(frame) <= 3 for frame in weak)


def test_quality_page_groups_records_by_functional_area(monkeypatch, data_copy):
    """A firm of 菏泽高新区 (its park) moved into 岳程街道, a street 菏泽经济技术开发区 administers, is
    counted under 菏泽经济开发区: the town decides before the park."""
    firms = data_copy / "enterprises.csv"
    text = firms.read_text(encoding="utf-8")
    firms.write_text(text.replace(",371702,,p-heze-hitech,", ",371702,岳程街道,p-heze-hitech,", 1),
                     encoding="utf-8")
    at = _app(monkeypatch, data_copy)
    at.switch_page("app_pages/quality.py").run()
    assert not at.exception
    [areas] = [d.value for d in at.dataframe if "功能区" in d.value.columns]
    count = areas.set_index("功能区")["企业"]
    assert count["菏泽经济开发区"] == 1 and count["菏泽高新区"] >= 1
