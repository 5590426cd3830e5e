"""ui.map_widget: a prepared map's script served as a file (written once, kept while in use); st_folium's
payload read; filter updates kept by key."""

from __future__ import annotations

import gzip
import json
import os
import re
import uuid
from dataclasses import replace
from pathlib import Path

import folium
import pytest

from ui.http_cache import gzipped
from ui.map_widget import (
    KEPT_UPDATES,
    MapInput,
    MapUpdate,
    PreparedMap,
    Shelf,
    prepare_map,
    shelve,
    update_script,
)


def _prepared(name: str) -> PreparedMap:
    fmap = folium.Map(location=[35.2, 115.5], zoom_start=8, tiles=None)
    folium.Marker([35.25, 115.44], tooltip=name).add_to(fmap)
    return prepare_map(fmap, key=f"k-{name}")


def _text_in(path: Path) -> str:
    """The script a shelved file hands to the page (the file assigns one JSON string)."""
    body = path.read_text(encoding="utf-8")
    return json.loads(body.split("] = ", 1)[1].rstrip().removesuffix(";"))


def test_the_script_goes_to_a_file_and_the_page_gets_a_stub(tmp_path):
    prepared = _prepared("牡丹区 <b>")
    stub, links = shelve(prepared, Shelf(tmp_path, "/app/static/cache/maps"))
    path = tmp_path / f"{prepared.script_hash}.js"
    assert links == [*prepared.js_links, f"/app/static/cache/maps/{path.name}"]
    assert _text_in(path) == prepared.script
    assert len(stub) < 600 and prepared.script_hash in stub and "L.map" not in stub
    # and, once per frame, it tells the page the map is drawn (ui.first_paint)
    assert "streamlit:setComponentValue" in stub and "drawn: true" in stub
    assert stub.index("appendChild") < stub.index("postMessage")


def test_a_file_removed_meanwhile_is_written_again(tmp_path):
    prepared, shelf = _prepared("a"), Shelf(tmp_path, "/m")
    shelve(prepared, shelf)
    path = tmp_path / f"{prepared.script_hash}.js"
    path.unlink()
    shelve(prepared, shelf)
    assert _text_in(path) == prepared.script
    assert not list(tmp_path.glob("*.tmp"))


def test_each_file_is_written_with_a_gzipped_copy_of_the_same_bytes(tmp_path):
    prepared = _prepared("牡丹区")
    shelve(prepared, Shelf(tmp_path, "/m"))
    path = tmp_path / f"{prepared.script_hash}.js"
    assert gzip.decompress(gzipped(path).read_bytes()) == path.read_bytes()


def test_a_file_shelved_without_its_gzipped_copy_gets_one_when_used(tmp_path):
    prepared, shelf = _prepared("a"), Shelf(tmp_path, "/m")
    shelve(prepared, shelf)
    path = tmp_path / f"{prepared.script_hash}.js"
    gzipped(path).unlink()  # as a version before the copies left it
    shelve(prepared, shelf)
    assert gzip.decompress(gzipped(path).read_bytes()) == path.read_bytes()


def _vendor(tmp_path: Path) -> tuple[str, Path]:
    """A synthetic vendor folder: two scripts, the first naming its source map."""
    folder = tmp_path / "vendor"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "one.js").write_text("var one = 1;\n//# sourceMappingURL=one.js.map\n")
    (folder / "two.js").write_text("var two = one + 1;")
    return "/v", folder


def test_the_vendored_scripts_a_map_starts_with_go_into_its_file(tmp_path):
    prefix, folder = _vendor(tmp_path)
    prepared = replace(_prepared("a"), js_links=(f"{prefix}/a/one.js", f"{prefix}/two.js",
                                                 "https://elsewhere/x.js", f"{prefix}/two.js"))
    stub, links = shelve(prepared, Shelf(tmp_path / "maps", "/m", vendor=(prefix, folder)))
    name = links[0].removeprefix("/m/")
    # one request for both vendored scripts and the map; the links after them stay in order
    assert links == [f"/m/{name}", "https://elsewhere/x.js", f"{prefix}/two.js"]
    assert re.fullmatch(r"[0-9a-f]{64}\.js", name) and name != f"{prepared.script_hash}.js"
    text = (tmp_path / "maps" / name).read_text(encoding="utf-8")
    assert text.index("var one = 1;") < text.index("var two = one + 1;") < text.index("__hzMaps")
    assert "sourceMappingURL" not in text
    assert json.loads(text.rstrip().splitlines()[-1].split("] = ", 1)[1].removesuffix(";")) \
        == prepared.script
    assert prepared.script_hash in stub  # the stub runs the same script


def test_a_vendored_script_set_up_again_makes_a_new_file(tmp_path):
    prefix, folder = _vendor(tmp_path)
    prepared, shelf = replace(_prepared("a"), js_links=(f"{prefix}/two.js",)), Shelf(
        tmp_path / "maps", "/m", vendor=(prefix, folder))
    first = shelve(prepared, shelf)[1]
    assert shelve(prepared, shelf)[1] == first  # reused while nothing changed
    (folder / "two.js").write_text("var two = 2;")
    os.utime(folder / "two.js", ns=(1, 1))
    second = shelve(prepared, shelf)[1]
    assert second != first and "var two = 2;" in (tmp_path / "maps" / second[0][3:]).read_text()


@pytest.mark.parametrize("first", ["/v/missing.js", "/v/../outside.js", "/other/two.js"])
def test_links_that_are_not_vendored_files_stay_links(tmp_path, first):
    prefix, folder = _vendor(tmp_path)
    (tmp_path / "outside.js").write_text("var outside = 1;")
    prepared = replace(_prepared("a"), js_links=(first, f"{prefix}/two.js"))
    links = shelve(prepared, Shelf(tmp_path / "maps", "/m", vendor=(prefix, folder)))[1]
    assert links == [first, f"{prefix}/two.js", f"/m/{prepared.script_hash}.js"]


def test_prune_keeps_the_newest_and_the_map_in_use(tmp_path):
    shelf = Shelf(tmp_path, "/m", keep=2)
    maps = [_prepared(name) for name in ("a", "b", "c")]
    for age, prepared in enumerate(maps):
        shelve(prepared, shelf)
        stamp = 1_000_000 + age * 10
        os.utime(tmp_path / f"{prepared.script_hash}.js", (stamp, stamp))
    shelve(maps[0], shelf)  # "a" is shown again: now the most recently used
    shelve(_prepared("d"), shelf)  # a third file: the least recently used one goes
    left = {p.stem for p in tmp_path.glob("*.js")}
    assert left == {maps[0].script_hash, _prepared("d").script_hash}
    assert {p.name for p in tmp_path.glob("*.gz")} == {f"{name}.js.gz" for name in left}


def test_different_maps_get_different_files(tmp_path):
    shelf = Shelf(tmp_path, "/m")
    names = {re.search(r'"([0-9a-f]+)"', shelve(_prepared(n), shelf)[0]).group(1) for n in "xyz"}
    assert len(names) == 3 and {p.stem for p in tmp_path.glob("*.js")} == names


def test_st_folium_payload_becomes_a_click_and_drawings():
    taken = MapInput.from_st_folium({"last_clicked": {"lat": 35.2, "lng": 115.4},
                                     "all_drawings": [{"type": "Feature"}]})
    assert taken.clicked == (115.4, 35.2) and taken.drawings == [{"type": "Feature"}]
    assert MapInput.from_st_folium(None) == MapInput()
    assert MapInput.from_st_folium({"last_clicked": None}).clicked is None


def _made(made: list[str], text: str) -> MapUpdate:
    """An update that notes each time it is made (a circle with `text` as its tooltip)."""
    def make() -> folium.FeatureGroup:
        made.append(text)
        group = folium.FeatureGroup(name="filters", control=False)
        folium.CircleMarker([35.3, 115.6], radius=4, tooltip=text).add_to(group)
        return group
    return MapUpdate(make, key=("synthetic", text))


def test_an_update_under_a_key_is_made_once_and_sent_alike_to_every_run():
    made: list[str] = []
    first = update_script(_made(made, f"甲 {uuid.uuid4()}"))
    again = update_script(replace(_made(made, "never made"), key=_made([], made[0]).key))
    assert again == first and len(made) == 1 and made[0] in first
    unkept = replace(_made(made, "乙"), key=None)
    assert update_script(unkept) == update_script(unkept) and made[1:] == ["乙", "乙"]


def test_only_the_newest_updates_are_kept():
    made: list[str] = []
    texts = [f"{i} {uuid.uuid4()}" for i in range(KEPT_UPDATES + 1)]
    for text in texts:
        update_script(_made(made, text))
    update_script(_made(made, texts[-1]))
    update_script(_made(made, texts[1]))
    assert made == texts  # both still kept
    update_script(_made(made, texts[0]))
    assert made == [*texts, texts[0]]  # the oldest was let go


def test_a_vendored_folder_linked_out_of_static_is_not_servable(tmp_path, monkeypatch):
    """Streamlit answers 400 for files through such a link: no map frame, and no first paint
    waiting for one (ui.first_paint asks assets_servable)."""
    import ui.map_widget

    monkeypatch.setattr(ui.map_widget, "missing_assets", list)  # every file there
    (tmp_path / "static").mkdir()
    (tmp_path / "elsewhere").mkdir()
    linked = tmp_path / "static" / "vendor"
    linked.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    monkeypatch.setattr(ui.map_widget, "VENDOR_DIR", linked)
    assert ui.map_widget.linked_away(linked) == (tmp_path / "elsewhere").resolve()
    assert not ui.map_widget.assets_servable()
    inside = tmp_path / "static" / "copied"
    inside.mkdir()
    monkeypatch.setattr(ui.map_widget, "VENDOR_DIR", inside)
    assert ui.map_widget.linked_away(inside) is None and ui.map_widget.assets_servable()
