"""Sidebar widgets of the map page, read into a Filters value and plain map options."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from geo.basemaps import Basemap, available_basemaps
from parks.config import DEFAULT_CONFIG
from parks.industries import TIERS
from parks.load import Dataset
from parks.query import Filters
from parks.vocab import KIND, STAGE
from ui.i18n import t
from ui.settings import settings


@dataclass(frozen=True)
class MapOptions:
    basemap: Basemap
    layers: tuple[str, ...]
    system: str


def _industry_options(dataset: Dataset, system: str) -> list[str]:
    codes = []
    for top in dataset.taxonomy.system_members(system):
        codes.append(top.code)
        codes.extend(sub.code for sub in dataset.taxonomy.subsectors(top.code))
    return codes


def _industry_label(dataset: Dataset, code: str, lang: str) -> str:
    ind = dataset.taxonomy.get(code)
    return f"· {ind.label(lang)}" if ind.parent else ind.label(lang)


def filter_widgets(dataset: Dataset, lang: str) -> Filters:
    """Sidebar filters; keys are prefixed 'map_' so other pages never collide with them."""
    side = st.sidebar
    side.subheader(t("filters"))
    names = dict(zip(dataset.counties["adcode"], dataset.counties["name_zh"], strict=True))
    en = dataset.gazetteer.seats.set_index("adcode")["name_en"].to_dict()
    counties = side.multiselect(t("county"), list(names), key="map_counties", placeholder=t("choose"),
                                format_func=lambda c: en.get(c, names[c]) if lang == "en"
                                else names[c])
    system = side.radio(t("industry_system"), ("sei", "231"), key="map_system",
                        format_func=lambda s: t(f"system_{s}"))
    industries = side.multiselect(t("industry"), _industry_options(dataset, system), placeholder=t("choose"),
                                  key=f"map_industries_{system}",
                                  format_func=lambda c: _industry_label(dataset, c, lang))
    tiers = side.multiselect(t("tier"), list(TIERS), key="map_tiers", placeholder=t("choose"),
                             format_func=lambda x: t(f"tiers_{x}"))
    kinds = side.multiselect(t("park_kind"), list(KIND.codes), key="map_kinds", placeholder=t("choose"),
                             format_func=lambda k: KIND.label(k, lang))
    stages = side.multiselect(t("stage"), [*STAGE.codes, ""], key="map_stages", placeholder=t("choose"),
                              format_func=lambda s: STAGE.label(s, lang) if s
                              else t("stage_unstated"))
    text = side.text_input(t("search"), key="map_search", help=t("search_help"))
    return Filters(tuple(counties), tuple(industries), tuple(tiers), tuple(kinds), tuple(stages),
                   text)


def map_option_widgets(lang: str) -> MapOptions:
    side = st.sidebar
    bases = available_basemaps(settings())
    keys = [b.key for b in bases]
    chosen = side.selectbox(t("basemap"), keys, key="map_basemap",
                            format_func=lambda k: next(b for b in bases if b.key == k).label(lang),
                            help=next(b for b in bases if b.key == "offline").help)
    layer_keys = [layer.key for layer in DEFAULT_CONFIG.layers if layer.key != "counties"]
    default = [layer.key for layer in DEFAULT_CONFIG.layers
               if layer.default_on and layer.key != "counties"]
    layers = side.multiselect(t("layers"), layer_keys, default=default, key="map_layers",
                              format_func=lambda k: DEFAULT_CONFIG.layer(k).label(lang))
    system = st.session_state.get("map_system", "sei")
    return MapOptions(next(b for b in bases if b.key == chosen), tuple(layers), system)
