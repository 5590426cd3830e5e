"""AppTest of login, the edit page and the admin page: nothing editable without a login, edits
validated, attributed, conflict-checked and undoable."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from geo.crs import distance_m, wgs84_to_gcj02
from parks.model.outlines import to_wkt
from parks.store import open_store
from tests.apptest import ADMIN, APP, audit, login, private_store, stored

PARK = "p-yuncheng-chem"  # 郓城化工产业园: known only to its town, 5.2512 km² published
SEAT = (116.01528, 35.47724)  # 随官屯镇 seat


@pytest.fixture(autouse=True)
def store_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return private_store(monkeypatch, tmp_path / "store")


def _at() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def _edit(record: str = PARK, who=None) -> AppTest:
    at = login(_at(), *([who] if who else []))
    at.switch_page("app_pages/edit.py").run()
    assert not at.exception, at.exception
    table = {"p": "parks", "e": "enterprises", "pr": "projects"}[record.split("-")[0]]
    at.radio(key="edit_table__zh").set_value(table).run()
    at.selectbox(key="edit_record__zh").set_value(record).run()
    assert not at.exception, at.exception
    return at


def _by_label(widgets, label: str):
    return next(w for w in widgets if w.label.startswith(label))


@pytest.mark.parametrize("page", ["app_pages/edit.py", "app_pages/import_data.py",
                                  "app_pages/admin.py"])
def test_no_editing_control_without_login(page):
    at = _at()
    at.switch_page(page).run()
    assert not at.exception
    assert "请先在左侧栏“编辑登录”中登录" in at.info[0].value
    main = at.main
    for kind in ("text_input", "text_area", "selectbox", "multiselect", "button",
                 "file_uploader", "radio", "checkbox"):
        assert not list(getattr(main, kind)), f"{kind} reachable without login on {page}"


def test_wrong_password_is_refused_and_repeated_guessing_waits():
    at = _at()
    login(at, ("lee", "not-the-password"))
    assert "用户名或密码不正确" in at.sidebar.error[0].value
    for _ in range(5):  # five failures within ten minutes …
        login(at, ("nobody-here", "guess"))
    assert "用户名或密码不正确" in at.sidebar.error[0].value
    login(at, ("nobody-here", "guess"))  # … and the sixth try must wait
    assert "秒后再试" in at.sidebar.error[0].value
    at.switch_page("app_pages/edit.py").run()
    assert at.info and not list(at.main.button)


def test_editor_edits_a_field_and_the_history_names_them(store_path):
    at = _edit()
    _by_label(at.main.text_input, "英文名称").input("Yuncheng Chemical Park")
    _by_label(at.main.button, "保存字段").click().run()
    assert not at.exception, at.exception
    assert "已保存" in at.success[0].value
    assert stored(store_path, "parks", PARK)["name_en"] == "Yuncheng Chemical Park"
    last = audit(store_path, "parks", PARK).iloc[0]
    assert (last["user"], last["reason"], last["action"]) == ("lee", "edit fields", "update")
    at.segmented_control(key="edit_section").set_value("history").run()
    history = at.dataframe[0].value
    assert "英文名称：Yuncheng Chemical Industrial Park → Yuncheng Chemical Park" in history.iloc[0][
        "改动"]


def test_a_bad_value_is_refused_naming_the_field(store_path):
    at = _edit()
    _by_label(at.main.text_input, "公布面积").input("五平方公里")
    _by_label(at.main.button, "保存字段").click().run()
    assert not at.exception
    assert "未保存" in at.error[0].value
    problems = at.dataframe[0].value
    assert list(problems["field"]) == ["area_km2"]
    assert stored(store_path, "parks", PARK)["area_km2"] == "5.2512"


def test_second_editor_saving_the_same_record_is_told(store_path):
    at = _edit()  # lee opens the record …
    other = open_store(store_path)  # … 主任 saves it meanwhile
    try:
        row = stored(store_path, "parks", PARK) | {"name_en": "Changed by the director"}
        import pandas as pd

        other.commit({"parks": pd.DataFrame([row])}, user="主任", reason="rename")
    finally:
        other.close()
    _by_label(at.main.text_input, "英文名称").input("lee's name")
    _by_label(at.main.button, "保存字段").click().run()
    assert not at.exception
    assert "changed by someone else" in at.error[0].value
    assert stored(store_path, "parks", PARK)["name_en"] == "Changed by the director"
    _by_label(at.main.button, "重新载入").click().run()
    assert _by_label(at.main.text_input, "英文名称").value == "Changed by the director"


def test_typed_gcj02_point_is_stored_as_wgs84_and_undo_restores(store_path):
    at = _edit()
    at.segmented_control(key="edit_section").set_value("location").run()
    assert not at.exception, at.exception
    gcj = wgs84_to_gcj02(116.0300, 35.4800)
    at.text_input(key=f"typed_lon_{PARK}").input(f"{gcj[0]:.6f}")
    at.text_input(key=f"typed_lat_{PARK}").input(f"{gcj[1]:.6f}")
    at.radio(key=f"typed_datum_{PARK}").set_value("GCJ02")
    _by_label(at.main.button, "使用输入的坐标").click().run()
    assert not at.exception, at.exception
    at.button(key=f"save_location_{PARK}").click().run()
    assert not at.exception, at.exception
    row = stored(store_path, "parks", PARK)
    assert (row["precision"], row["crs"]) == ("digitised", "WGS84")
    assert distance_m(float(row["lon"]), float(row["lat"]), 116.0300, 35.4800) < 1
    at.segmented_control(key="edit_section").set_value("history").run()
    at.button(key=f"undo_parks_{PARK}").click().run()
    assert not at.exception, at.exception
    assert "已撤销" in at.success[0].value
    row = stored(store_path, "parks", PARK)
    assert (row["precision"], row["lon"]) == ("town", "")


def test_swapped_typed_coordinates_are_refused():
    at = _edit()
    at.segmented_control(key="edit_section").set_value("location").run()
    at.text_input(key=f"typed_lon_{PARK}").input("35.48")
    at.text_input(key=f"typed_lat_{PARK}").input("116.03")
    _by_label(at.main.button, "使用输入的坐标").click().run()
    assert any("swapped" in e.value for e in at.error)
    assert at.button(key=f"save_location_{PARK}").disabled


def test_outline_outside_the_county_is_refused(store_path):
    at = _edit()
    at.segmented_control(key="edit_section").set_value("location").run()
    # what the map's Draw layer hands over, put straight into the page's unsaved state
    at.session_state[f"ed:parks:{PARK}:outline"] = to_wkt(box(115.40, 35.05, 115.43, 35.08))
    at.run()
    assert any("落在 郓城县 之外" in e.value for e in at.error)
    at.button(key=f"save_location_{PARK}").click().run()
    assert "未保存" in " ".join(e.value for e in at.error)
    assert stored(store_path, "parks", PARK)["boundary"] == ""


def test_outline_inside_is_saved_digitised_with_area_warning(store_path):
    at = _edit()
    at.segmented_control(key="edit_section").set_value("location").run()
    big = box(SEAT[0] - 0.02, SEAT[1] - 0.02, SEAT[0] + 0.02, SEAT[1] + 0.02)  # ~16 km²
    at.session_state[f"ed:parks:{PARK}:outline"] = to_wkt(big)
    at.run()
    assert "公布面积 5.2512 km²" in " ".join(m.value for m in at.markdown)
    assert "超过 20%" in at.warning[0].value
    at.button(key=f"save_location_{PARK}").click().run()
    row = stored(store_path, "parks", PARK)
    assert row["boundary"].startswith("MULTIPOLYGON") and row["precision"] == "digitised"
    assert big.contains(box(float(row["lon"]), float(row["lat"]), float(row["lon"]),
                            float(row["lat"])).centroid)


def test_saving_an_outline_keeps_the_placed_point_and_asks_before_moving_it(store_path):
    from parks.model.edits import PointEdit

    at = _edit()
    at.segmented_control(key="edit_section").set_value("location").run()
    placed = PointEdit(SEAT[0] + 0.004, SEAT[1] + 0.003)
    at.session_state[f"ed:parks:{PARK}:point"] = placed
    at.run()
    at.button(key=f"save_location_{PARK}").click().run()
    assert stored(store_path, "parks", PARK)["lon"] == f"{placed.lon:.6f}"
    around = box(SEAT[0] - 0.01, SEAT[1] - 0.01, SEAT[0] + 0.01, SEAT[1] + 0.01)
    at.session_state[f"ed:parks:{PARK}:outline"] = to_wkt(around)
    at.run()
    assert not [c for c in at.checkbox if c.label == "把点位移到范围内"]  # inside: nothing to ask
    at.button(key=f"save_location_{PARK}").click().run()
    row = stored(store_path, "parks", PARK)
    assert row["boundary"] and (row["lon"], row["lat"]) == (f"{placed.lon:.6f}", f"{placed.lat:.6f}")
    away = box(SEAT[0] + 0.02, SEAT[1] - 0.01, SEAT[0] + 0.035, SEAT[1] + 0.005)
    at.session_state[f"ed:parks:{PARK}:outline"] = to_wkt(away)
    at.run()
    assert any("点位在新范围之外" in w.value for w in at.warning)
    ask = next(c for c in at.checkbox if c.label == "把点位移到范围内")
    assert ask.value is False
    ask.check().run()
    at.button(key=f"save_location_{PARK}").click().run()
    assert not at.exception, at.exception
    row = stored(store_path, "parks", PARK)
    assert away.contains(box(float(row["lon"]), float(row["lat"]), float(row["lon"]),
                             float(row["lat"])).centroid)


def test_deleting_a_referenced_park_is_refused_and_a_project_can_be_deleted_and_undone(
        store_path):
    at = _edit("p-heze-hitech")
    at.segmented_control(key="edit_section").set_value("history").run()
    at.checkbox(key="delete_sure_p-heze-hitech").check().run()
    at.button(key="delete_p-heze-hitech").click().run()
    assert "未保存" in at.error[0].value
    assert stored(store_path, "parks", "p-heze-hitech")["id"] == "p-heze-hitech"
    project = "pr-jianghua-agri-machinery"
    at = _edit(project)
    at.segmented_control(key="edit_section").set_value("history").run()
    at.checkbox(key=f"delete_sure_{project}").check().run()
    at.button(key=f"delete_{project}").click().run()
    assert not at.exception and "已删除" in at.success[0].value
    store = open_store(store_path)
    try:
        assert project not in set(store.read_tables()["projects"]["id"])
        store.undo("projects", project, user="lee")
        assert project in set(store.read_tables()["projects"]["id"])
    finally:
        store.close()


def test_admin_adds_and_removes_an_editor_and_gets_the_baseline():
    at = login(_at(), ADMIN)
    at.switch_page("app_pages/admin.py").run()
    assert not at.exception, at.exception
    assert set(at.dataframe[0].value["用户名"]) == {"主任", "lee"}
    at.text_input(key="admin_new_name").input("zhang")
    at.text_input(key="admin_new_password").input("zhang-pass-1")
    _by_label(at.main.button, "添加或重置账户").click().run()
    assert "已保存账户 zhang" in at.success[0].value
    assert set(at.dataframe[0].value["用户名"]) == {"主任", "lee", "zhang"}
    at.selectbox(key="admin_remove_name").set_value("lee").run()
    at.button(key="admin_remove").click().run()
    assert "已删除账户 lee" in at.success[0].value
    assert at.get("download_button")


def test_editor_cannot_open_the_admin_page():
    at = login(_at())
    at.switch_page("app_pages/admin.py").run()
    assert "仅限管理员" in at.warning[0].value
    assert not list(at.main.text_input)


def test_a_removed_or_demoted_editor_is_logged_out_at_the_next_action(store_path):
    from parks.store.accounts import add_editor, remove_editor

    editors = store_path.parent / "editors.json"
    at = _edit()
    assert any("lee" in c.value for c in at.sidebar.caption)
    remove_editor("lee", path=editors)
    _by_label(at.main.text_input, "英文名称").input("Saved by nobody")
    _by_label(at.main.button, "保存字段").click().run()
    assert not at.exception, at.exception
    assert stored(store_path, "parks", PARK)["name_en"] != "Saved by nobody"
    assert not any("lee" in c.value for c in at.sidebar.caption)  # no longer 「已登录：lee」
    assert any("重新登录" in e.value for e in at.sidebar.error)
    assert not list(at.main.button)  # the page asks for a login: nothing to save with
    # an admin made an editor is no longer admin at the next action on the admin page
    admin = login(_at(), ADMIN)
    admin.switch_page("app_pages/admin.py").run()
    add_editor("second-admin", "admin-pass-2", "admin", path=editors)
    remove_editor(ADMIN[0], path=editors)
    add_editor(ADMIN[0], ADMIN[1], "editor", path=editors)
    admin.run()
    assert not admin.exception and not list(admin.main.text_input)
    assert any("重新登录" in e.value for e in admin.sidebar.error)
