"""Permalinks: each page's state in the URL (st.query_params), declared once per page in PAGES."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import streamlit as st

from ui.i18n import t

TEXT, LIST, FLAG, NUMBER, POINT = "text", "list", "flag", "number", "point"


@dataclass(frozen=True)
class Param:
    """One URL parameter: its name, the session key it fills, how its text reads, its default.

    `key` may name another parameter of the page in braces ("map_industries_{system}"): the
    value goes to the key of that parameter's current value, else of its default.
    `default` is set on a page when neither the link nor the session holds a value; a number
    outside `bounds` (the widget's limits) cannot be read; `blank` stands for a list's empty
    choice (the unstated stage), which a comma-separated list cannot carry.
    """

    name: str
    key: str
    kind: str = TEXT
    default: Any = None
    bounds: tuple[float, float] | None = None
    blank: str | None = None


SHARED = (Param("lang", "lang"), Param("region", "region"))  # every page carries these
KEEP = ("view",)  # written by the map itself (geo/templates/viewsync.js), never by the server
PAGES: Mapping[str, tuple[Param, ...]] = {
    "map": (Param("county", "map_counties", LIST), Param("system", "map_system", default="sei"),
            Param("industry", "map_industries_{system}", LIST), Param("tier", "map_tiers", LIST),
            Param("kind", "map_kinds", LIST), Param("stage", "map_stages", LIST, blank="unstated"),
            Param("q", "map_search"), Param("basemap", "map_basemap"),
            Param("layers", "map_layers", LIST), Param("table", "map_table")),
    "explorer": (Param("industry", "explorer_industry"), Param("chemical", "explorer_chemical", FLAG),
                 Param("area", "explorer_area", NUMBER, bounds=(0.0, 500.0)),
                 Param("hub", "explorer_hub", NUMBER, bounds=(0.0, 200.0)),
                 Param("counties", "explorer_counties", LIST)),
    "park": (Param("id", "park_id"),),
    "nearby": (Param("park", "nearby_park"), Param("r", "nearby_radius", NUMBER, 10.0, (1.0, 50.0)),
               Param("at", "nearby_point", POINT)),
    "compare": (Param("ids", "compare_ids", LIST),),
    "edit": (Param("id", "edit_record"),),
    "chemical": (Param("county", "chem_counties", LIST),),
}
_ENTERED = "_permalink_entered"
_PAGE = "_permalink_page"
_OPENED_VIEW = "_permalink_view"  # the link's view, written back on the run that opened it only


class Restored(NamedTuple):
    """Session values read from a link, and the parameters that could not be read ("r=abc")."""

    values: dict[str, Any]
    unreadable: list[str]


def limits(page: str, name: str) -> tuple[float, float]:
    """The bounds of a number parameter: its widget's min and max."""
    bounds = next(p.bounds for p in PAGES[page] if p.name == name)
    if bounds is None:
        raise LookupError(f"{page}: parameter {name} has no bounds")
    return bounds


def _read(param: Param, text: str) -> Any:
    """The value of one URL text; ValueError when it cannot be read."""
    kind = param.kind
    if kind == LIST:
        return ["" if part == param.blank else part for part in text.split(",") if part]
    if kind == FLAG:
        return text == "1"
    if kind == NUMBER:
        number = float(text)
        low, high = param.bounds or (-float("inf"), float("inf"))
        if not low <= number <= high:  # also refuses nan
            raise ValueError(f"{number} is outside {low}–{high}")
        return number
    if kind == POINT:
        lat, lon = (float(part) for part in text.split(","))
        return (lon, lat)
    return text


def _write(param: Param, value: Any) -> str:
    """The URL text of one value; empty when it should be left out of the link."""
    kind = param.kind
    if value is None or value is False:
        return ""
    if kind == FLAG:
        return "1"
    if kind == NUMBER:
        return f"{float(value):g}" if value else ""
    if kind == POINT:
        lon, lat = value
        return f"{lat:.5f},{lon:.5f}"
    if isinstance(value, list | tuple):
        items = [param.blank if v == "" else str(v) for v in value]
        return ",".join(item for item in items if item)
    return str(value)


def _key(param: Param, params: tuple[Param, ...], values: Mapping[str, Any]) -> str:
    """param's session key, with another parameter's value (else default) put into its braces."""
    if "{" not in param.key:
        return param.key
    names = {p.name: values.get(p.key, p.default) for p in params if "{" not in p.key}
    return param.key.format_map(names)


def decode(params: tuple[Param, ...], query: Mapping[str, str]) -> Restored:
    """Session values for the parameters the link holds; unreadable ones are listed, not raised."""
    values: dict[str, Any] = {}
    unreadable = []
    for param in params:
        if param.name not in query:
            continue
        try:
            values[_key(param, params, values)] = _read(param, query[param.name])
        except ValueError:
            unreadable.append(f"{param.name}={query[param.name]}")
    return Restored(values, unreadable)


def encode(params: tuple[Param, ...], state: Mapping[str, Any]) -> dict[str, str]:
    """URL texts of the parameters whose session values are set; empty ones are left out."""
    texts = {p.name: _write(p, state.get(_key(p, params, state))) for p in params}
    return {name: text for name, text in texts.items() if text}


def shared_from_link() -> dict[str, Any]:
    """Language and city as the link gives them (init_session checks them)."""
    return decode(SHARED, st.query_params.to_dict()).values


def entering(page: str) -> None:
    """Note which page this run shows: a link is read when a page is entered, not on its reruns."""
    st.session_state[_ENTERED] = st.session_state.get(_PAGE) != page
    st.session_state[_PAGE] = page


def restore(page: str) -> None:
    """Fill the page's session keys from the link when the page is entered, before any widget
    is made (widgets then start from them), and set defaults the session lacks."""
    params = PAGES[page]
    if st.session_state.get(_ENTERED, True):
        st.session_state[_ENTERED] = False
        restored = decode(params, st.query_params.to_dict())
        st.session_state.update(restored.values)
        st.session_state[_OPENED_VIEW] = {k: st.query_params[k] for k in KEEP if k in st.query_params}
        if restored.unreadable:
            st.warning(t("link_unreadable") + ", ".join(restored.unreadable))
    for param in params:
        if param.default is not None:
            st.session_state.setdefault(param.key, param.default)


def publish(page: str) -> None:
    """Write the page's state and the shared keys to the URL when they changed. The map's own
    `view` is the browser's: the server only knows the one the page was opened with (writing
    it back later reverted a pan), so after that run it is left out and the map writes it
    again (geo/templates/viewsync.js)."""
    wanted = encode(SHARED, st.session_state) | encode(PAGES[page], st.session_state)
    current = {k: v for k, v in st.query_params.to_dict().items() if k not in KEEP}
    if current != wanted:  # the run that opened a link keeps its view: no pan happened yet
        st.query_params.from_dict(wanted | st.session_state.get(_OPENED_VIEW, {}))
    st.session_state[_OPENED_VIEW] = {}
