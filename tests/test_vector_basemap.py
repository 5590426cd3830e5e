"""Tests for geo.vector_basemap and the OSM basemap in geo.basemaps and geo.maps: publishing the
archive for Streamlit's static route and the Leaflet layer that draws it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from geo.basemaps import OSM_LOCAL, VectorArchive, available_basemaps, resolve
from geo.geography import ArchiveUnreadableError, label_keys
from geo.maps import build_map
from geo.vector_basemap import OsmVectorLayer, excerpt, publish

URL = "/app/static/cache/basemap"


@pytest.fixture
def archive(tiny_archive) -> Path:
    return tiny_archive


def test_a_published_archive_is_the_same_bytes_at_one_url(archive, tmp_path):
    served = publish(archive, tmp_path / "static", URL)
    assert served.path == str(archive) and (served.min_zoom, served.max_zoom) == (5, 14)
    [(url, size)] = served.parts
    assert url.startswith(f"{URL}/osm-") and url.endswith(".pmtiles")
    assert size == archive.stat().st_size == served.size
    assert (tmp_path / "static" / url.rsplit("/", 1)[1]).read_bytes() == archive.read_bytes()


def test_a_large_archive_is_served_in_parts_that_join_to_it(archive, tmp_path):
    part = archive.stat().st_size // 3 + 1
    served = publish(archive, tmp_path / "static", URL, part_bytes=part)
    assert len(served.parts) == 3 and [s for _, s in served.parts][:2] == [part, part]
    joined = b"".join((tmp_path / "static" / u.rsplit("/", 1)[1]).read_bytes()
                      for u, _ in served.parts)
    assert joined == archive.read_bytes()


def test_a_new_archive_replaces_the_old_publication(archive, tmp_path):
    folder = tmp_path / "static"
    first = publish(archive, folder, URL)
    copy = tmp_path / "other.pmtiles"
    copy.write_bytes(archive.read_bytes())
    second = publish(copy, folder, URL)
    assert first.parts != second.parts
    assert sorted(p.name for p in folder.iterdir()) == [second.parts[0][0].rsplit("/", 1)[1]]


def test_what_is_not_a_vector_archive_is_named(tmp_path):
    text = tmp_path / "basemap.pmtiles"
    text.write_text("not an archive")
    with pytest.raises(ArchiveUnreadableError, match=r"basemap\.pmtiles: not a PMTiles archive"):
        publish(text, tmp_path / "static", URL)
    with pytest.raises(ArchiveUnreadableError, match="no such file"):
        publish(tmp_path / "missing.pmtiles", tmp_path / "static", URL)
    assert not (tmp_path / "static").exists()


def test_the_osm_basemap_is_offered_first_only_with_an_archive():
    served = VectorArchive("/x.pmtiles", (("/app/static/cache/basemap/x.pmtiles", 10),))
    keys = [b.key for b in available_basemaps({})]
    assert OSM_LOCAL not in keys and keys[0] == "offline"
    with_osm = available_basemaps({}, served)
    assert with_osm[0].key == OSM_LOCAL and with_osm[0].archive == served
    assert not with_osm[0].offline and resolve("offline", {}).offline
    assert with_osm[0].crs == "WGS84"  # OSM is WGS-84: no GCJ-02 shift of the app's layers


def test_labels_are_chinese_first_or_english_where_osm_has_it():
    assert label_keys("zh") == ["name:zh", "name"]
    assert label_keys("en") == ["name:en", "name"]


def _script(html: str) -> str:
    found = re.search(r"var osm_vector_layer_\w+ = \(function\(\) \{.*?\n\}\)\(\);", html, re.S)
    assert found, "the OSM layer's script is missing"
    return found.group(0)


def test_the_map_draws_the_archive_from_the_app_and_never_a_cdn(archive, tmp_path):
    served = publish(archive, tmp_path / "static", URL)
    base = available_basemaps({}, served)[0]
    html = build_map([], basemap=base, bounds=(115.3, 35.1, 115.6, 35.3), lang="en"
                     ).get_root().render()
    script = _script(html)
    parts = json.loads(re.search(r"var parts = (\[.*?\]),", script).group(1))
    assert parts == [list(p) for p in served.parts]
    assert '["name:en","name"]' in script and "levelDiff: 0" in script
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert "/app/static/vendor/protomaps-leaflet/dist/protomaps-leaflet.js" in sources
    assert "/app/static/vendor/pmtiles/dist/pmtiles.js" in sources
    assert not [s for s in sources if s.startswith("http")]
    assert "L.tileLayer" not in html  # no tile server behind it


def test_embedded_bytes_travel_in_the_page(archive):
    served = VectorArchive(str(archive), (), 5, 14, embedded=archive.read_bytes())
    layer = OsmVectorLayer(served)
    assert len(json.loads(layer.embedded)) >= archive.stat().st_size  # base64 of the archive
    assert json.loads(layer.parts) == []


def test_an_excerpt_carries_the_region_zoom_by_zoom_within_its_budget(archive):
    from pmtiles.reader import MemorySource, Reader

    served = VectorArchive(str(archive), (("/x.pmtiles", archive.stat().st_size),), 5, 14)
    whole = excerpt(served, (115.3, 35.1, 115.6, 35.3))
    assert whole.max_zoom == 14 and not whole.note and whole.parts == ()
    small = excerpt(served, (115.3, 35.1, 115.6, 35.3), budget=3000)
    assert 5 <= small.max_zoom < 14 and f"第 {small.max_zoom} 级" in small.note
    assert len(small.embedded) < len(whole.embedded)
    reader = Reader(MemorySource(small.embedded))
    assert reader.header()["max_zoom"] == small.max_zoom
    if small.max_zoom >= 10:
        tile = reader.get(10, 840, 404)  # the tile holding the synthetic town
        assert tile and tile == Reader(MemorySource(whole.embedded)).get(10, 840, 404)
    assert Reader(MemorySource(whole.embedded)).get(14, 13446, 6476)  # street level


def test_an_excerpt_of_a_damaged_archive_is_named(tmp_path):
    broken = tmp_path / "broken.pmtiles"
    broken.write_bytes(b"\0" * 64)
    with pytest.raises(ArchiveUnreadableError, match=r"broken\.pmtiles: not a PMTiles archive"):
        excerpt(VectorArchive(str(broken), (), 5, 14), (115.3, 35.1, 115.6, 35.3))
