"""Offline geocoding of Chinese addresses to a region's counties and towns, from a gazetteer."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
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


@dataclass(frozen=True)
class GeocodeResult:
    """The answer for one address. `precision` uses the records' vocabulary (town, county, or
    digitised for an online provider's address-level point); lon/lat are WGS-84;
    `functional_area` is the zone (菏泽高新区 …) the address lies in, empty when none."""

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
        return asdict(self)


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


def _sizes(text: str, i: int, index: AddressIndex) -> list[int]:
    """Lengths of the names starting at i, longest first; grows the word only while it is the
    start of some name, so a scan costs a few lookups per character whatever the index size."""
    names, prefixes, found = index.names, index.prefixes, []
    for end in range(i + 2, len(text) + 1):
        word = text[i:end]
        if word in names:
            found.append(end - i)
        if word not in prefixes:
            break
    return found[::-1]


def _match(text: str, i: int, index: AddressIndex, hits: list[Hit]) -> Hit | None:
    """The longest usable name at i; else the longest name skipped before a road word, as a
    road (a false friend: 东明路, 单县路); else None."""
    road = None
    for size in _sizes(text, i, index):
        word = text[i:i + size]
        entries = index.names[word]
        if word in index.plain:  # no entry is conditional: the common case, kept fast
            return Hit(i, word, entries)
        street = _ROAD.match(text, i + size)
        usable = tuple(e for e in entries if not (e.guarded and street))
        if any(e.at_start for e in usable) and not _after_province(hits, i):
            usable = tuple(e for e in usable if not e.at_start)
        if usable:
            return Hit(i, word, usable)
        if street and road is None:
            road = Hit(i, word + street.group(), (_ROAD_ENTRY,))
    return road


def scan(text: str, index: AddressIndex) -> list[Hit]:
    """Longest matches left to right; a short form before a road word is a road, not a place."""
    hits: list[Hit] = []
    i, starts = 0, index.starts
    while i < len(text) - 1:
        hit = _match(text, i, index, hits) if text[i:i + 2] in starts else None
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


def _pick(hits: list[Hit], kind: str, county: str = "") -> list[tuple[Hit, Entry]]:
    return [(h, e) for h in hits for e in h.entries
            if e.kind == kind and (not county or e.county == county)]


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
    found = _pick(hits, "county")
    if found:
        hit, entry = found[0]
        return entry.county, 0.95 * entry.weight, hit.text
    county, text = _unique(hits, "town")
    if county:
        return county, 0.9, text
    found = _pick(hits, "place") or (_pick(hits, "zone") if _evidence(hits) else [])
    if found:
        hit, entry = found[0]
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
        for hit, entry in _pick(hits, kind, county):
            towns = {e.town for e in hit.entries if e.kind == kind and e.county == county}
            if entry.town and len(towns) == 1:
                return entry, hit.text
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
        None if lon is None else round(lon, 6), None if lat is None else round(lat, 6),
        precision, "+".join(t for t in dict.fromkeys((matched, town_text)) if t),
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
    rows = [geocode("" if a is None else str(a), index).as_dict() for a in addresses]
    return pd.DataFrame(rows, columns=list(GeocodeResult.__dataclass_fields__))
