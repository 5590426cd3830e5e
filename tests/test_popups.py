"""Tests for parks.display.popups and parks.display.tables: escaped text, precision stated,
labels by language."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from parks.display.popups import enterprise_popup, park_popup, project_popup
from parks.display.tables import display_table
from parks.model.industries import load_taxonomy

TAX = load_taxonomy(Path(__file__).resolve().parent.parent / "data" / "industries.csv")
EVIL = '<script>alert("x")</script>'


def _park(**kw):
    base = {"name_zh": "郓城化工产业园", "name_en": "Yuncheng Chemical Park", "kind": "chemical_park",
            "subkind": "", "level": "provincial", "status": "operating", "industries_text": "煤化工",
            "area_km2": 5.2512, "sizhi": "东至经七路", "recognition_zh": "省级化工园区", "recognition_en": "",
            "county": "郓城县", "town": "随官屯镇", "precision": "town", "source": "seed-000",
            "as_of": "2023-07-06"}
    return SimpleNamespace(**(base | kw))


def test_html_in_any_field_is_escaped():
    html = park_popup(_park(name_zh=EVIL, sizhi=EVIL, source=EVIL), ("CHEM",), TAX, "zh")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_approximate_location_is_said_in_the_popup():
    town = park_popup(_park(), ("CHEM",), TAX, "zh")
    assert "近似位置" in town and "乡镇/街道驻地" in town
    assert "Approximate" in park_popup(_park(precision="county"), (), TAX, "en")
    exact = park_popup(_park(precision="surveyed"), (), TAX, "zh")
    assert "近似" not in exact and "实测" in exact


def test_popup_shows_kind_industries_place_source_and_date():
    html = park_popup(_park(), ("CHEM", "NMT.CHEMICAL"), TAX, "zh")
    for text in ("化工园区", "高端化工、化工新材料", "郓城县 随官屯镇", "seed-000", "2023-07-06",
                 "5.2512 km²", "东至经七路"):
        assert text in html, text
    assert "Yuncheng Chemical Park" in park_popup(_park(), (), TAX, "en")


def test_enterprise_and_project_popups():
    ent = SimpleNamespace(name_zh="赛托生物", name_en="", full_name="山东赛托生物科技股份有限公司",
                          industry="BIO", subsector="BIO.CHEM", industries_text="", county="定陶区",
                          town="", precision="county", source="seed-002", as_of="2024-01-16")
    html = enterprise_popup(ent, TAX, "zh", park_name=EVIL)
    assert "生物医药、化学药" in html and "县城驻地" in html and "<script>" not in html
    proj = SimpleNamespace(name_zh="达孚番茄红素", name_en="", stage="completed",
                           stage_text="建成投产", investment_yi=float("nan"), capacity_text="",
                           industry="", subsector="", county="", town="", precision="unlocated",
                           source="seed-003", as_of="2018-10-08")
    html = project_popup(proj, TAX, "zh")
    assert "竣工（建成投产）" in html and "位置未知" in html and "投资" not in html


def test_display_table_spells_out_codes():
    frame = pd.DataFrame({"id": ["e-a"], "name_zh": ["甲"], "name_en": [""], "full_name": [""],
                          "industry": ["NEN"], "subsector": ["NEN.WIND"], "industries_text": [""],
                          "county": ["鄄城县"], "town": [""], "park_id": ["p-x"],
                          "precision": ["county"], "confidence": ["low"], "source": ["seed-002"],
                          "as_of": ["2024"]})
    zh = display_table(frame, "enterprises", TAX, "zh", {"p-x": "某园"})
    assert zh.loc[0, "产业"] == "新能源、风能"
    assert zh.loc[0, "定位精度"] == "县城驻地（近似）"
    assert zh.loc[0, "园区"] == "某园"
    en = display_table(frame, "enterprises", TAX, "en")
    assert en.loc[0, "Industries"] == "New energy, Wind energy" and en.loc[0, "Name"] == "甲"


def test_source_addresses_are_links_and_nothing_else_is():
    source = ('省工信厅公示 https://example.gov.cn/a?b=1&c=2; 另见 http://x.cn/p（转载）；'
              'javascript:alert(1) <b>x</b>')
    html = park_popup(_park(source=source), (), TAX, "zh")
    assert ('<a href="https://example.gov.cn/a?b=1&amp;c=2" target="_blank" '
            'rel="noopener noreferrer">') in html
    assert '<a href="http://x.cn/p" target="_blank"' in html  # stops at the bracket
    assert 'href="javascript' not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_park_popups_link_to_the_profile_and_firms_to_their_park():
    url = "/park?id={id}&lang=zh&region=371700"
    html = park_popup(_park(id="p-a&b"), (), TAX, "zh", url)
    assert '<a href="/park?id=p-a%26b&amp;lang=zh&amp;region=371700" target="_top">园区档案 →</a>' in html
    assert "园区档案" not in park_popup(_park(id="p-x"), (), TAX, "zh")  # exports: no link
    firm = SimpleNamespace(name_zh="合成企业", name_en="", full_name="", industry="BIO",
                           subsector="", industries_text="", park_id="p-yuncheng-chem",
                           county="郓城县", town="", precision="county", source="s", as_of="")
    html = enterprise_popup(firm, TAX, "en", "郓城化工产业园", url.replace("zh", "en"))
    link = '<a href="/park?id=p-yuncheng-chem&amp;lang=en&amp;region=371700" target="_top">'
    assert f"{link}郓城化工产业园</a>" in html
