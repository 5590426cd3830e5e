"""Offline geocoding of Chinese addresses to a region's counties and towns, from a gazetteer."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

import pandas as pd

from geo.normalise import has_cjk, normalise
from geo.placenames import AddressIndex, Entry

MAX_LENGTH = 500
# A place word followed by one of these names a street or a building, not the place itself:
# 东明路 (a street in 濮阳), 牡丹大道, 菏泽花园.
_ROAD = re.compile(r"(?:路|大道|大街|街(?!道)|巷|胡同|公路|高速|桥|广场|小区|花园|家园|宾馆|酒店)")
# what a place word skipped before a road word is recorded as: a street name, not a place
_ROAD_ENTRY = Entry("road")
# a town decided from a village name is less sure than a town named outright
_VILLAGE_FACTOR = 0.85


class GeocodeResult(NamedTuple):
    """The answer for one address. `precision` uses the records' vocabulary (town, county, or
    digitised for an online provider's address-level point); lon/lat are WGS-84;
    `functional_area` is the zone (菏泽高新区 …) the address lies in, empty when none.
    A named tuple, not a frozen dataclass: as immutable, and built in a quarter of the time
    (a bulk import makes one per address)."""

    query: str
    status: str
    county_adcode: str = ""
    county: str = ""
    town: str = ""
    lon: float | None = None
    lat: float | None = None
    precision: str = ""
    matched: str = ""
    confidence: float = 0.0
    message: str = ""
    provider: str = "offline"
    functional_area: str = ""

    def as_dict(self) -> dict[str, object]:
        """The result as a plain dict, field name → value."""
        return self._asdict()


class Hit(NamedTuple):
    """A place name found in an address: where it starts, its text and what it may stand for
    (a tuple, not a dataclass: a scan makes several per address)."""

    start: int
    text: str
    entries: tuple[Entry, ...]


def _after_province(hits: list[Hit], i: int) -> bool:
    """Short city/province names count only at the start or right after a province."""
    if i == 0:
        return True
    last = hits[-1] if hits else None
    return (last is not None and last.start + len(last.text) == i
            and any(e.kind.startswith("province") for e in last.entries))


def _match(text: str, i: int, words: list[str], index: AddressIndex,
           hits: list[Hit]) -> Hit | None:
    """The longest usable name of `words` (the names at i, shortest first); else the longest
    name skipped before a road word, as a road (a false friend: 东明路, 单县路); else None."""
    road = None
    for word in reversed(words):
        if word in index.plain:  # no entry is conditional: the common case, kept fast
            return Hit(i, word, index.names[word])
        street = _ROAD.match(text, i + len(word))
        usable = index.unguarded[word] if street else index.names[word]
        if word in index.anchored and not _after_province(hits, i):
            usable = tuple(e for e in usable if not e.at_start)
        if usable:
            return Hit(i, word, usable)
        if street and road is None:
            road = Hit(i, word + street.group(), (_ROAD_ENTRY,))
    return road


def scan(text: str, index: AddressIndex) -> list[Hit]:
    """Longest matches left to right; a short form before a road word is a road, not a place.
    At each start the word grows only while it begins some name, so a scan costs a few set
    lookups per character whatever the index size."""
    hits: list[Hit] = []
    names, prefixes, starts = index.names, index.prefixes, index.starts
    i, size = 0, len(text)
    while i < size - 1:
        if text[i:i + 2] not in starts:
            i += 1
            continue
        words = []
        for end in range(i + 2, size + 1):
            word = text[i:end]
            if word in names:
                words.append(word)
            if word not in prefixes:
                break
        hit = _match(text, i, words, index, hits) if words else None
        if hit is None:
            i += 1
            continue
        hits.append(hit)
        i += len(hit.text)
    return hits


def _reject(query: str, status: str, message: str) -> GeocodeResult:
    return GeocodeResult(query, status, message=message)


def _precheck(query: str, text: str) -> GeocodeResult | None:
    """The answer for input that cannot be an address at all, or None."""
    if not query.strip():
        return _reject(query, "unparseable", "empty address")
    if len(query) > MAX_LENGTH:
        return _reject(query, "unparseable",
                       f"address is {len(query):,} characters long; at most {MAX_LENGTH}")
    if query.lstrip().startswith(("=", "+", "@")):
        return _reject(query, "unparseable", "looks like a spreadsheet formula, not an address")
    if not has_cjk(text):
        return _reject(query, "unparseable", "no Chinese place name found (English-only "
                                             "or no text); give the address in Chinese")
    return None


_OURS = frozenset({"county", "town", "place", "village", "city"})
_THEIRS = frozenset({"province_other", "city_other", "county_other"})


def _outside(hits: list[Hit]) -> Hit | None:
    """The first hit that places the address elsewhere, unless a full name of the region comes
    first. Short forms of ours do not count: in 平邑至鄄城高速…济宁市兖州区, 鄄城 is a road."""
    for hit in hits:
        strong = {e.kind for e in hit.entries if not e.weak}
        if strong & _OURS:
            return None
        if {e.kind for e in hit.entries} & _THEIRS:
            return hit
    return None


def _first(hits: list[Hit], kind: str) -> tuple[Hit, Entry] | None:
    """The first entry of `kind` in the address, with its hit."""
    for hit in hits:
        for entry in hit.entries:
            if entry.kind == kind:
                return hit, entry
    return None


def _unique(hits: list[Hit], kind: str) -> tuple[str, str]:
    """The county of the first `kind` name that exists in only one county, and that name."""
    for hit in hits:
        counties = {e.county for e in hit.entries if e.kind == kind}
        if len(counties) == 1:
            return counties.pop(), hit.text
    return "", ""


def _evidence(hits: list[Hit]) -> bool:
    """True when the address names the region outright: its city, a county or a town by full
    name (what a functional area's short form 高新区 or 经开区 needs to count)."""
    return any(not e.weak and e.kind in _OURS for h in hits for e in h.entries)


def _county(hits: list[Hit]) -> tuple[str, float, str]:
    """County adcode, confidence and the deciding text. A county name decides; then a town name
    found in only one county (鲁西新区陈集镇 is in 定陶区); then a named park or zone (a short
    zone name only beside other evidence of the region); then a unique village name."""
    found = _first(hits, "county")
    if found:
        hit, entry = found
        return entry.county, 0.95 * entry.weight, hit.text
    county, text = _unique(hits, "town")
    if county:
        return county, 0.9, text
    found = _first(hits, "place") or (_first(hits, "zone") if _evidence(hits) else None)
    if found:
        hit, entry = found
        return entry.county, 0.85 * entry.weight, hit.text
    county, text = _unique(hits, "village")
    return (county, 0.75, text) if county else ("", 0.0, "")


def _central(text: str, hits: list[Hit], index: AddressIndex) -> tuple[str, float, str]:
    """A city address with a street or building but no county lies in the central district
    (菏泽市中华西路…, 菏泽学院… → 牡丹区), with low confidence; the city alone is no address."""
    city = next((h for h in hits if any(e.kind == "city" for e in h.entries)), None)
    if city is None or not index.central_county:
        return "", 0.0, ""
    rest = text[city.start + len(city.text):]
    if len(rest) < 2:  # the city name alone is not an address
        return "", 0.0, ""
    return index.central_county, 0.5, city.text


def _town(hits: list[Hit], county: str) -> tuple[Entry | None, str]:
    """The entry naming the town in `county` (directly, through a named place, a village or a
    village name without 村, unique in the county) and its text."""
    for kind in ("town", "place", "village", "hamlet"):
        for hit in hits:
            mine = [e for e in hit.entries if e.kind == kind and e.county == county]
            if mine and mine[0].town and all(e.town == mine[0].town for e in mine):
                return mine[0], hit.text
    return None, ""


def _zone(hits: list[Hit], town: Entry | None) -> str:
    """The functional area: named outright (a short form only beside other evidence of the
    region), else the one administering the town, else empty."""
    evidence = None
    for hit in hits:
        for entry in hit.entries:
            if entry.zone and entry.kind == "zone" and evidence is None:
                evidence = _evidence(hits)
            if entry.zone and (entry.kind != "zone" or evidence) and entry.kind != "town":
                return entry.zone
    return town.zone if town else ""


def _ambiguity(query: str, hits: list[Hit], index: AddressIndex) -> GeocodeResult:
    friend = next((h for h in hits if h.entries[0].kind in ("road", "zone")), None)
    if friend:
        return _reject(query, "ambiguous", f"'{friend.text}' is a street or district name in "
                                           f"many cities and no county or town of "
                                           f"{index.region_name} is named; add the city and county")
    counties = sorted({e.county for h in hits for e in h.entries if e.county})
    if counties:
        names = "、".join(index.county_names.get(c, c) for c in counties)
        return _reject(query, "ambiguous", f"'{hits[0].text}' exists in several counties "
                                           f"({names}); add the county")
    return _reject(query, "unparseable", f"no county or town of {index.region_name} found")


def _located(address: str, hits: list[Hit], found: tuple[str, float, str],
             index: AddressIndex) -> GeocodeResult:
    """The answer for an address whose county is known: town, point, zone and confidence."""
    county, confidence, matched = found
    town_entry, town_text = _town(hits, county)
    town = town_entry.town if town_entry else ""
    point = index.town_points.get((county, town)) if town else None
    precision = "town" if point else "county"
    point = point or index.seat_points.get(county, (None, None))
    note = "" if precision == "town" or not town else f"{town} has no point: at the county seat"
    if confidence <= 0.5:
        note = f"no county in the address: placed in {index.county_names.get(county)}"
    if town_entry and town_entry.kind in ("village", "hamlet"):
        confidence = confidence * _VILLAGE_FACTOR
    elif town:
        confidence += 0.05
    lon, lat = point
    return GeocodeResult(
        address, "ok", county, index.county_names.get(county, ""), town,
        lon, lat,
        precision, matched if town_text in ("", matched) else f"{matched}+{town_text}",
        round(min(confidence, 1.0), 2), note, functional_area=_zone(hits, town_entry))


def geocode(address: str, index: AddressIndex) -> GeocodeResult:
    """Locate one address to its county, town and functional area, offline."""
    text = normalise(address) if len(address) <= MAX_LENGTH else ""
    rejected = _precheck(address, text)
    if rejected:
        return rejected
    hits = scan(text, index)
    outside = _outside(hits)
    if outside is not None:
        return _reject(address, "not_in_region",
                       f"'{outside.text}' is not in {index.region_name}")
    found = _county(hits)
    if not found[0]:
        found = _central(text, hits, index)
    if not found[0]:
        return _ambiguity(address, hits, index)
    return _located(address, hits, found, index)


def geocode_many(addresses: Iterable[str], index: AddressIndex) -> pd.DataFrame:
    """One row per address (the GeocodeResult fields), in input order."""
    rows = [geocode("" if a is None else str(a), index) for a in addresses]
    return pd.DataFrame(rows, columns=list(GeocodeResult._fields))
