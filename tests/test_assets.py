"""Tests for geo.assets: localizing folium maps, walking their tree, inlining pages."""

from __future__ import annotations

import re
from pathlib import Path

import folium
import pytest
from branca.element import JavascriptLink
from folium import plugins

from geo.assets import UnknownAssetError, inline_html, localize, relative_css_refs, walk
from geo.vendor import MANIFEST, missing, vendor_ready

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
CDN_MARKERS = ("cdn.", "cdnjs", "jsdelivr", "unpkg", "code.jquery", "netdna")


def sample_map() -> folium.Map:
    m = folium.Map(location=(35.25, 115.45), zoom_start=9, tiles=None)
    cluster = plugins.MarkerCluster().add_to(m)
    folium.Marker((35.2, 115.4), icon=folium.Icon(color="red")).add_to(cluster)
    plugins.FastMarkerCluster([(35.3, 115.5), (35.31, 115.51)]).add_to(m)
    plugins.Fullscreen().add_to(m)
    folium.Marker((35.1, 115.3)).add_to(m)
    return m


def test_walk_yields_every_element_once_parents_first() -> None:
    m = sample_map()
    found = list(walk(m.get_root()))
    cluster = next(e for e in found if isinstance(e, plugins.MarkerCluster))
    clustered = next(iter(cluster._children.values()))
    assert found[0] is m.get_root() and found.index(m) < found.index(cluster) < found.index(clustered)
    assert len({id(e) for e in found}) == len(found)
    assert sum(isinstance(e, folium.Marker) for e in found) == 2  # one clustered, one on the map


def test_localized_map_renders_without_cdn_urls() -> None:
    m = sample_map()
    localize(m)
    html = m.get_root().render()
    for marker in CDN_MARKERS:
        assert marker not in html, marker
    assert '<script src="/app/static/vendor/leaflet/dist/leaflet.js"></script>' in html
    assert "/app/static/vendor/leaflet.markercluster/dist/MarkerCluster.Default.css" in html
    assert "/app/static/vendor/leaflet.fullscreen/Control.FullScreen.js" in html
    assert "leaflet.awesome.rotate" not in html
    assert 'L.Icon.Default.imagePath = "/app/static/vendor/leaflet/dist/images/"' in html


def test_localize_twice_changes_nothing_more() -> None:
    m = sample_map()
    localize(m)
    first = m.get_root().render()
    localize(m)
    assert m.get_root().render().count("L.Icon.Default.imagePath =") == first.count(
        "L.Icon.Default.imagePath ="
    ) == 1


def test_localize_leaves_class_defaults_alone() -> None:
    localize(sample_map(), base_url="/elsewhere")
    assert folium.Map.default_js[0][1].startswith("https://cdn.jsdelivr.net/")
    assert plugins.MarkerCluster.default_css[0][1].startswith("https://cdnjs.cloudflare.com/")


def test_localize_after_a_render_rewrites_the_header() -> None:
    m = sample_map()
    m.get_root().render()
    localize(m)
    assert "jsdelivr" not in m.get_root().header.render()


def test_unknown_cdn_url_raises_naming_it() -> None:
    m = sample_map()
    plugins.HeatMap([(35.2, 115.4)]).add_to(m)
    m.get_root().header.add_child(JavascriptLink("https://unpkg.com/mystery@1/x.js"), name="mystery")
    with pytest.raises(UnknownAssetError) as caught:
        localize(m)
    assert "https://unpkg.com/mystery@1/x.js" in caught.value.urls
    assert any("leaflet_heat.min.js" in url for url in caught.value.urls)
    assert "leaflet_heat.min.js" in str(caught.value)
    assert m.default_js[0][1].startswith("https://")  # nothing was changed


def test_colormap_is_refused_because_streamlit_folium_adds_d3() -> None:
    m = sample_map()
    folium.LinearColormap(["white", "red"], vmin=0, vmax=1).add_to(m)
    with pytest.raises(UnknownAssetError, match="d3"):
        localize(m)


def test_relative_css_refs_skip_data_fragments_and_absolute_urls() -> None:
    css = (".a{background:url(images/x.png)} .b{src:url('../f/y.eot?#iefix')} "
           '.c{background:url("data:image/png;base64,AA")} .d{behavior:url(#default#VML)} '
           ".e{background:url(https://example.com/z.png)}")
    assert relative_css_refs(css) == ["images/x.png", "../f/y.eot"]


def require_vendor() -> None:
    # set-up always fetches; a missing vendor dir is a broken checkout, not a reason to skip
    if not vendor_ready(VENDOR):
        pytest.fail(f"{VENDOR} is incomplete ({', '.join(missing(VENDOR)[:5])} ...): run scripts/setup.sh")


def test_vendored_files_and_their_css_references_exist() -> None:
    require_vendor()
    for url, path in MANIFEST.urls:
        assert (VENDOR / path).is_file(), url
    broken = [
        f"{css.relative_to(VENDOR)} -> {ref}"
        for css in VENDOR.rglob("*.css")
        for ref in relative_css_refs(css.read_text(encoding="utf-8"))
        if not (css.parent / ref).is_file()
    ]
    assert broken == []


def test_inline_html_is_self_contained() -> None:
    require_vendor()
    m = sample_map()
    localize(m)
    page = inline_html(m.get_root().render(), VENDOR)
    assert "/app/static" not in page
    assert not re.search(r"<script[^>]+src=[\"']https?:", page)
    assert not re.search(r"<link[^>]+href=[\"']https?:", page)
    assert "url(images/" not in page and "../webfonts/" not in page
    assert "L.Icon.Default.mergeOptions" in page
