"""Bilingual labels: one mechanism (geo.labels.Label), complete in both languages."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from geo.basemaps import BASEMAPS
from geo.labels import LANGS, Label
from parks.config import DATA_DIR, DEFAULT_CONFIG
from parks.model import vocab
from parks.model.industries import SYSTEM_LABELS, SYSTEMS, TIER_LABELS, TIERS, load_taxonomy
from parks.model.schema import TABLES, field_column, field_heading, field_label
from ui.i18n import STRINGS

ROOT = Path(__file__).resolve().parent.parent
VOCABULARIES = [v for v in vars(vocab).values() if isinstance(v, vocab.Vocabulary)]


def _complete(label: Label) -> bool:
    return isinstance(label, Label) and all(label.get(lang).strip() for lang in LANGS)


def test_a_label_picks_its_language_and_refuses_an_unknown_one():
    label = Label("面积 {n}", "Area {n}")
    assert (label.get("zh"), label.get("en")) == ("面积 {n}", "Area {n}")
    assert label.format("en", n=3) == "Area 3"
    with pytest.raises(ValueError, match=r"'fr'.*zh, en"):
        label.get("fr")


@pytest.mark.parametrize("spec", TABLES, ids=lambda s: s.name)
def test_every_column_of_every_table_has_both_labels(spec):
    assert _complete(spec.label)
    missing = [col.name for col in spec.columns if not _complete(col.label)]
    assert not missing, f"{spec.name}: columns without both labels: {missing}"
    no_unit = [col.name for col in spec.columns if col.unit is not None and not _complete(col.unit)]
    assert not no_unit


def test_a_field_has_one_label_in_every_table():
    for spec in TABLES:
        for col in spec.columns:
            assert col.label == field_column(col.name).label, (spec.name, col.name)


def test_field_lookups_and_headings():
    assert field_label("kind", "en") == "Kind" and field_label("kind", "zh") == "类型"
    assert field_heading("area_km2", "zh") == "面积(km²)"
    assert field_heading("investment_yi", "en") == "Investment (100M yuan)"
    assert field_heading("kind", "en") == field_label("kind", "en")  # no unit, no brackets
    with pytest.raises(KeyError, match="unknown field 'nope'"):
        field_label("nope", "zh")


def test_every_vocabulary_term_has_both_labels():
    assert VOCABULARIES
    for vocabulary in VOCABULARIES:
        missing = [t.code for t in vocabulary.terms if not _complete(t.label)]
        assert not missing, f"{vocabulary.name}: {missing}"
    # park kinds are told apart without colour: each has a glyph in both languages
    assert all(_complete(t.glyph) for t in vocab.KIND.terms)


def test_every_industry_has_both_labels():
    taxonomy = load_taxonomy(DATA_DIR / "industries.csv")
    assert taxonomy.industries
    missing = [i.code for i in taxonomy.industries if not _complete(i.label)]
    assert not missing


def test_regions_layers_basemaps_tiers_and_systems_have_both_labels():
    labelled = [*DEFAULT_CONFIG.regions, *DEFAULT_CONFIG.layers, *BASEMAPS]
    assert [x for x in labelled if not _complete(x.label)] == []
    assert set(TIER_LABELS) == set(TIERS) and all(map(_complete, TIER_LABELS.values()))
    assert set(SYSTEM_LABELS) == set(SYSTEMS) and all(map(_complete, SYSTEM_LABELS.values()))


def test_every_interface_string_has_both_languages():
    missing = [key for key, label in STRINGS.items() if not _complete(label)]
    assert not missing


def test_interface_strings_are_not_field_labels():
    # a word that is a column's label comes from the schema, not from ui.i18n
    fields = {field_column(c.name).label for spec in TABLES for c in spec.columns}
    assert [key for key, label in STRINGS.items() if label in fields] == []


def _zh_en_dicts(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Dict)
            and {k.value for k in node.keys if isinstance(k, ast.Constant)} == {"zh", "en"}
            and len(node.keys) == 2]


def test_no_module_keeps_its_own_zh_en_table():
    allowed = {ROOT / "geo" / "labels.py", ROOT / "ui" / "i18n.py"}
    found = {str(p.relative_to(ROOT)): lines
             for folder in ("geo", "parks", "ui") for p in sorted((ROOT / folder).rglob("*.py"))
             if p not in allowed and (lines := _zh_en_dicts(p))}
    assert found == {}, f"use geo.labels.Label instead of {{'zh': …, 'en': …}}: {found}"


def test_the_scan_finds_a_zh_en_dict(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('A = {"zh": "是", "en": "yes"}\nB = {"zh": 1, "en": 2, "x": 3}\n',
                      encoding="utf-8")
    assert _zh_en_dicts(module) == [1]


def test_the_edit_form_says_more_only_where_a_column_asks_it_to():
    asked = {c.name: c.prompt for spec in TABLES for c in spec.columns}
    assert asked["area_km2"].zh.startswith("公布面积")  # beside the drawn outline's area
    assert asked["kind"] == field_column("kind").label
    assert asked["investment_yi"] != field_column("investment_yi").heading
    assert all(_complete(label) for label in asked.values())
