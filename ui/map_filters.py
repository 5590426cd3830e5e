"""Sidebar widgets of the map page, read into a Filters value and plain map options."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import streamlit as st

from geo.basemaps import OSM_LOCAL, Basemap, available_basemaps
from parks.analysis.query import Filters, Selection, filter_enterprises, filter_parks, filter_projects
from parks.config import DEFAULT_CONFIG
from parks.model.dataset import Dataset
from parks.model.industries import SYSTEM_LABELS, TIER_LABELS, TIERS
from parks.model.schema import field_label
from parks.model.vocab import KIND, STAGE
from ui import loaders
from ui.i18n import t
from ui.session import lang_key, remember
from ui.settings import settings


@dataclass(frozen=True)
class MapOptions:
    """The map's display choices: basemap, shown layers and industry system."""

    basemap: Basemap
    layers: tuple[str, ...]
    system: str


def county_names(dataset: Dataset, lang: str) -> dict[str, str]:
    """County adcode → name in `lang` (the Chinese name where no English one is known)."""
    names = dict(zip(dataset.counties["adcode"], dataset.counties["name_zh"], strict=True))
    if lang != "en":
        return names
    english = dataset.gazetteer.seats.set_index("adcode")["name_en"].to_dict()
    return {code: english.get(code) or name for code, name in names.items()}


def _industry_options(dataset: Dataset, system: str) -> list[str]:
    codes = []
    for top in dataset.taxonomy.system_members(system):
        codes.append(top.code)
        codes.extend(sub.code for sub in dataset.taxonomy.subsectors(top.code))
    return codes


def _industry_label(dataset: Dataset, code: str, lang: str) -> str:
    ind = dataset.taxonomy.get(code)
    return f"· {ind.label.get(lang)}" if ind.parent else ind.label.get(lang)


class _Unshown:
    """Stands in for the sidebar when the widgets are not drawn on this run (ui.first_paint):
    each call returns the value its widget would, from the key lang_key has seeded."""

    def multiselect(self, _label: str, _options: object, *, key: str, **_: object) -> list:
        return list(st.session_state[key])

    def value(self, _label: str, _options: object = None, *, key: str, **_: object) -> object:
        return st.session_state[key]

    radio = selectbox = text_input = value

    def subheader(self, *_: object, **__: object) -> None:
        return None

    caption = subheader


def filter_widgets(dataset: Dataset, lang: str, *, shown: bool = True) -> Filters:
    """Sidebar filters (their values only when not `shown`); keys are prefixed 'map_' so other
    pages never collide with them."""
    side = st.sidebar if shown else _Unshown()
    side.subheader(t("filters"))
    names = dict(zip(dataset.counties["adcode"], dataset.counties["name_zh"], strict=True))
    en = dataset.gazetteer.seats.set_index("adcode")["name_en"].to_dict()
    counties = remember("map_counties", side.multiselect(
        field_label("county_adcode", lang), list(names), key=lang_key("map_counties", lang, [], list(names)),
        placeholder=t("choose"),
        format_func=lambda c: en.get(c, names[c]) if lang == "en" else names[c]))
    system = remember("map_system", side.radio(
        t("industry_system"), ("sei", "231"),
        key=lang_key("map_system", lang, "sei", ("sei", "231")),
        format_func=lambda s: SYSTEM_LABELS[s].get(lang)))
    options = _industry_options(dataset, system)
    chosen = [c for c in st.session_state.get(f"map_industries_{system}", []) if c in options]
    industries = remember(f"map_industries_{system}", side.multiselect(
        field_label("industry", lang), options,
        key=lang_key(f"map_industries_{system}", lang, chosen, options),
        placeholder=t("choose"), format_func=lambda c: _industry_label(dataset, c, lang)))
    tiers = remember("map_tiers", side.multiselect(
        t("tier"), list(TIERS), key=lang_key("map_tiers", lang, [], TIERS),
        placeholder=t("choose"),
        format_func=lambda x: TIER_LABELS[x].get(lang)))
    kinds = remember("map_kinds", side.multiselect(
        t("park_kind"), list(KIND.codes), key=lang_key("map_kinds", lang, [], KIND.codes),
        placeholder=t("choose"), format_func=lambda k: KIND.label(k, lang), help=t("kind_scope")))
    stages = remember("map_stages", side.multiselect(
        t("stage"), [*STAGE.codes, ""],
        key=lang_key("map_stages", lang, [], [*STAGE.codes, ""]),
        placeholder=t("choose"), help=t("stage_scope"),
        format_func=lambda s: STAGE.label(s, lang) if s else t("stage_unstated", lang)))
    text = remember("map_search", side.text_input(
        t("search"), key=lang_key("map_search", lang, ""), help=t("search_help")))
    return Filters(tuple(counties), tuple(industries), tuple(tiers), tuple(kinds), tuple(stages),
                   text)


def basemap_select(lang: str, *, sidebar: bool = True, name: str = "map_basemap",
                   shown: bool = True) -> Basemap:
    """The basemap chooser: the offline OSM basemap first when there is one, else the county
    outlines, and tile servers when configured; without an OSM archive it says how to add one.
    When not `shown`, the chosen basemap without drawing the chooser."""
    bases = available_basemaps(settings().services, loaders.osm_archive())
    keys = [b.key for b in bases]
    if st.session_state.get(name) not in keys:  # e.g. a key removed from settings
        st.session_state.pop(name, None)
    where = (st.sidebar if sidebar else st) if shown else _Unshown()
    chosen = remember(name, where.selectbox(
        t("basemap"), keys, key=lang_key(name, lang, keys[0], keys),
        format_func=lambda k: next(b for b in bases if b.key == k).label.get(lang),
        help=bases[0].help))
    if OSM_LOCAL not in keys:
        where.caption(t("basemap_how"))
    return next(b for b in bases if b.key == chosen)


def map_option_widgets(lang: str, *, shown: bool = True) -> MapOptions:
    """The sidebar's basemap and layer pickers, remembered across pages, with the industry
    system (the choices only when not `shown`)."""
    side = st.sidebar if shown else _Unshown()
    basemap = basemap_select(lang, shown=shown)
    layer_keys = [layer.key for layer in DEFAULT_CONFIG.layers if layer.key != "counties"]
    default = [layer.key for layer in DEFAULT_CONFIG.layers
               if layer.default_on and layer.key != "counties"]
    layers = remember("map_layers", side.multiselect(
        t("layers"), layer_keys, key=lang_key("map_layers", lang, default, layer_keys),
        format_func=lambda k: DEFAULT_CONFIG.layer(k).label.get(lang)))
    system = st.session_state.get("map_system", "sei")
    return MapOptions(basemap, tuple(layers), system)


def _filter_names(lang: str) -> dict[str, str]:
    """Each Filters field by the label of its widget."""
    return {"counties": field_label("county_adcode", lang), "industries": field_label("industry", lang),
            "tiers": t("tier"), "kinds": t("park_kind"), "stages": t("stage"), "text": t("search")}


def select(dataset: Dataset, filters: Filters, layers: tuple[str, ...]) -> Selection:
    """The records of the shown layers that `filters` keep."""
    tax = dataset.taxonomy
    return Selection(filter_parks(dataset.parks, filters, tax),
                     filter_enterprises(dataset.enterprises, filters, tax),
                     filter_projects(dataset.projects, filters, tax)).visible(layers)


def empty_note(dataset: Dataset, selection: Selection, filters: Filters,
               layers: tuple[str, ...], lang: str) -> str:
    """What to say when the filters keep nothing (`selection`, what they keep): which filter to
    relax, the one whose removal would show the most records; "" when something is shown or
    nothing could be."""
    def count(chosen: Filters) -> int:
        return sum(len(f) for f in select(dataset, chosen, layers).frames().values())

    if any(len(f) for f in selection.frames().values()) or not count(Filters()):
        return ""
    active = [f.name for f in fields(Filters) if getattr(filters, f.name)]
    freed = {name: count(replace(filters, **{name: type(getattr(filters, name))()}))
             for name in active}
    best = max(freed, key=freed.get, default=None)
    if best is None or not freed[best]:
        return t("map_empty")
    return t("map_empty_relax").format(names=_filter_names(lang)[best], n=freed[best])
