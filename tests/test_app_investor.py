"""Streamlit AppTest of the investors' pages: park profile, site explorer, nearby, comparison,
and the map pages' message when the vendored assets are missing."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import APP, private_store


@pytest.fixture(autouse=True)
def store_path(monkeypatch: pytest.MonkeyPatch, tmp_path):
    """Every test gets its own working store and editors file."""
    return private_store(monkeypatch, tmp_path / "store")


def _page(monkeypatch, page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_park_profile_page(monkeypatch):
    at = _page(monkeypatch, "app_pages/park.py")
    at.selectbox(key="park_pick").set_value("p-yuncheng-chem").run()
    assert not at.exception
    assert at.title[0].value == "郓城化工产业园"
    assert "乡镇驻地（近似）" in at.warning[0].value  # precision said plainly
    facts = at.dataframe[0].value.set_index("项目")
    assert facts.loc["面积(km²)", "内容"] == "5.2512"
    assert at.query_params["id"] == "p-yuncheng-chem"


def test_the_park_profile_opens_on_a_located_park(monkeypatch):
    at = _page(monkeypatch, "app_pages/park.py")
    assert not at.error  # not the unlocated placeholder with its empty map
    shown = at.query_params["id"]
    from parks.model.dataset import load_dataset

    assert load_dataset("371700").parks.set_index("id").loc[shown, "precision"] != "unlocated"


def test_explorer_ranks_only_chemical_parks_first_for_a_chemical_project(monkeypatch):
    at = _page(monkeypatch, "app_pages/explorer.py")
    at.selectbox(key="explorer_industry").set_value("NMT.CHEMICAL").run()
    at.checkbox(key="explorer_chemical").check().run()
    assert not at.exception
    table = at.dataframe[0].value
    eligible = table[table["合格"] == "✔"]
    assert len(eligible) > 0 and table.iloc[0]["合格"] == "✔"
    assert (table["合格"].iloc[: len(eligible)] == "✔").all()  # no ✘ above any ✔
    assert "产业：" in at.expander[1].markdown[0].value
    assert at.query_params["chemical"] == "1"


def test_explorer_groups_parts_breaks_ties_by_its_rule_and_maps_the_ranked_parks(monkeypatch):
    """生物医药: one row per park (东明石化's three 片区 in its detail), the four-way tie at
    92.5 ordered by the stated rule (no chemical park first), components on the total's scale,
    no in-park count while no park has an outline, and the ranked parks numbered on a map."""
    import json

    import ui.map_widget

    monkeypatch.setattr(ui.map_widget, "missing_assets", list)  # the map drawn, set up or not
    at = _page(monkeypatch, "app_pages/explorer.py")
    at.selectbox(key="explorer_industry").set_value("BIO").run()
    assert not at.exception
    table = at.dataframe[0].value
    names = table["园区"].tolist()
    assert names.count("东明石化产业园") == 1 and not [n for n in names if "片区" in n]
    assert table.set_index("园区").loc["东明石化产业园", "片区数"] == 3
    assert names[0] == "菏泽高新技术产业开发区" and table.iloc[3]["园区"] == "定陶润鑫化工产业园"
    assert (table["总分"].iloc[:4] == 92.5).all()
    points = table[["产业分（满分 40）", "合规分（满分 20）", "面积分（满分 15）",
                    "物流分（满分 15）", "县区分（满分 10）"]]
    assert ((points.sum(axis=1) - table["总分"]).abs() < 0.3).all()  # one scale: they add up
    captions = " ".join(c.value for c in at.caption)
    assert "同分时依次比较" in captions and "尚无园区有标绘范围" in captions
    why = " ".join(m.value for e in at.expander for m in e.markdown)
    assert "企业 0 家" not in why and "尚无标绘范围" in why
    (frame,) = at.get("component_instance")
    rows = json.loads(frame.proto.json_args)
    assert "1. 菏泽高新技术产业开发区" in json.dumps(rows, ensure_ascii=False)


def test_nearby_page_counts_records_in_the_radius(monkeypatch):
    at = _page(monkeypatch, "app_pages/nearby.py")
    at.selectbox(key="nearby_park").set_value("p-dongming-petrochem").run()
    at.slider(key="nearby_radius").set_value(5.0).run()
    assert not at.exception
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics["园区"] >= 4  # the park and its three 片区 share the seat
    assert at.query_params["r"] == "5"
    assert any("不在任何已标绘的化工园区范围内" in i.value for i in at.info)  # no outlines in data/


def test_nearby_picker_follows_a_map_click_and_same_seat_distances_are_unknown(monkeypatch):
    import ui.park_widgets

    at = _page(monkeypatch, "app_pages/nearby.py")
    at.selectbox(key="nearby_park").set_value("p-dongming-petrochem").run()
    parks = at.dataframe[1].value  # under the industry table: the parks found
    km = dict(zip(parks["名称"], parks["距离（km）"], strict=True))
    assert km["东明石化产业园"] == "0.00"  # the centre itself
    assert km["东明石化产业园主片区"] == "同一驻地，距离未知"  # not 0 km: both on the seat
    assert "0.00" not in [v for n, v in km.items() if n != "东明石化产业园"]
    click = {"last_clicked": {"lng": 115.1, "lat": 35.25}}
    monkeypatch.setattr(ui.park_widgets, "nearby_map", lambda *_a, **_k: click)
    at.run()
    assert not at.exception, at.exception
    picker = at.selectbox(key="nearby_park")
    assert picker.value == "" and "地图上选的点（35.25000, 115.10000）" in picker.options[0]
    assert at.session_state["nearby_point"] == (115.1, 35.25) and "park" not in at.query_params
    assert "同一驻地" not in " ".join(" ".join(map(str, d.value.get("距离（km）", []))) for d in at.dataframe)
    picker.set_value("p-yuncheng-chem").run()  # a park picked again: the point is dropped
    assert "nearby_point" not in at.session_state and at.query_params["park"] == "p-yuncheng-chem"


def test_compare_page_downloads(monkeypatch):
    at = _page(monkeypatch, "app_pages/compare.py")
    at.multiselect(key="compare_ids").set_value(["p-dongming-petrochem", "p-yuncheng-chem"]).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns)[1:] == ["东明石化产业园", "郓城化工产业园"]
    rows = table.set_index("属性")
    assert rows.loc["范围内企业（按标绘范围）"].tolist() == ["—（无范围）"] * 2  # no outline in data/
    assert len(at.get("download_button")) == 2
    assert at.query_params["ids"] == "p-dongming-petrochem,p-yuncheng-chem"


@pytest.mark.parametrize(("page", "picker"), [("map", ""), ("nearby", "nearby_park"),
                                             ("park", "park_pick")])
def test_without_the_vendored_assets_a_map_page_says_how_to_fix_it(monkeypatch, tmp_path, page,
                                                                   picker):
    """Started as plain `streamlit run app.py`, without scripts/setup.sh: no empty space."""
    import ui.map_widget

    monkeypatch.setattr(ui.map_widget, "VENDOR_DIR", tmp_path / "no-vendor")
    at = _page(monkeypatch, f"app_pages/{page}.py")
    if picker:  # a located park: its page draws a map
        at.selectbox(key=picker).set_value("p-dongming-petrochem").run()
    assert not at.exception
    (message,) = [e.value for e in at.error if "setup.sh" in e.value]
    assert "leaflet/dist/leaflet.js" in message and "python -m geo assets fetch" in message
    assert not at.get("component_instance")  # no map frame left empty


def test_a_vendored_folder_linked_from_elsewhere_is_named_not_left_empty(monkeypatch, tmp_path):
    """A static/vendor that is a symbolic link out of static/: Streamlit refuses every file
    through it (400), though all are there. The page says so instead of an empty map frame."""
    import ui.map_widget

    (tmp_path / "static").mkdir()
    linked = tmp_path / "static" / "vendor"
    linked.symlink_to(ui.map_widget.VENDOR_DIR.resolve(), target_is_directory=True)
    monkeypatch.setattr(ui.map_widget, "VENDOR_DIR", linked)
    at = _page(monkeypatch, "app_pages/map.py")
    assert not at.exception
    (message,) = [e.value for e in at.error if "符号链接" in e.value]
    assert str(linked) in message and "setup.sh" in message
    assert not at.get("component_instance")


def test_the_chemical_page_in_english_names_counties_in_english(monkeypatch):
    at = _page(monkeypatch, "app_pages/chemical.py", lang="en")
    counties = list(at.dataframe[0].value["County"])
    assert "Dingtao District" in counties and "定陶区" not in counties
