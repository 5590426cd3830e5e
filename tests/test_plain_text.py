"""User-provided text is shown as text (issue 19, hole 4): no Markdown link or image from an
address or a stored name; the import refuses Markdown links in names."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from tests.apptest import APP, private_store
from ui.plain_text import plain

LINK = "[登录已过期，请点此重新登录](http://evil.example/login)"
IMAGE = "![t](http://evil.example/track.png)"


def _renders_markup(markdown: str) -> bool:
    """Whether Markdown would make a link or image of it (an unescaped ']( … )')."""
    return re.search(r"(?<!\\)\]\((?!\\)", markdown) is not None


def test_plain_escapes_links_images_and_directives():
    for text in (LINK, IMAGE, ":red[警告]", "$x$", "**粗体**", "第一行\n# 标题"):
        shown = plain(text)
        assert not _renders_markup(shown)
        assert re.sub(r"\\(.)", r"\1", shown) == " ".join(text.splitlines())  # reads the same
    assert "\n" not in plain("a\nb")


def _app(monkeypatch, tmp_path, **params: str) -> AppTest:
    private_store(monkeypatch, tmp_path)
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("app_pages/park.py")
    for key, value in params.items():
        at.query_params[key] = value
    return at


def test_a_link_in_the_address_is_shown_as_text_in_the_error(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path, id=LINK).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors and all(not _renders_markup(e) for e in errors)
    assert any("登录已过期" in e for e in errors)  # said, as text


def test_a_stored_name_with_a_link_is_a_plain_title(monkeypatch, tmp_path):
    from parks.store import open_store

    for lang in ("zh", "en"):
        at = _app(monkeypatch, tmp_path / lang, id="p-yuncheng-chem", lang=lang)
        with open_store(tmp_path / lang / "heze.gpkg") as store:
            parks = store.read_tables()["parks"]
            park = parks[parks["id"] == "p-yuncheng-chem"].copy()
            park[["name_zh", "name_en"]] = [LINK, IMAGE]  # stored before the import checked it
            store.commit({"parks": park}, user="t", reason="hostile name")
        at.run()
        assert not at.exception
        shown = [at.title[0].value, at.caption[0].value]
        assert all(not _renders_markup(text) for text in shown)
        assert any("登录已过期" in text for text in shown)


def test_the_import_refuses_markdown_links_in_names(cache_dir):
    from parks.files.geocoder import address_geocoder
    from parks.files.importing import ImportSettings, prepare_import
    from parks.files.uploads import match_headers, read_upload
    from parks.model.dataset import read_tables
    from parks.model.schema import ENTERPRISES
    from parks.model.validate import validation_context
    from tests.records import DATA

    upload = read_upload(f"企业名称,注册地址\n{LINK},郓城县\n{IMAGE},曹县\n".encode(), "m.csv")
    mapping = {m.header: m.field for m in match_headers(list(upload.frame.columns), ENTERPRISES)}
    preview = prepare_import(upload, mapping, ImportSettings("enterprises", "371700", "t", "2026"),
                             locate_address=address_geocoder("371700", {}),
                             ctx=validation_context(DATA, cache_dir=cache_dir),
                             stored=read_tables(DATA)[0])
    assert list(preview.report["status"]) == ["error", "error"]
    assert all("Markdown" in m for m in preview.report["message"])
