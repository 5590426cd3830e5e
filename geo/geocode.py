"""Offline geocoding of Chinese addresses to a region's counties and towns, from a gazetteer."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

import pandas as pd

from geo.gazetteer import Gazetteer
from geo.normalise import has_cjk, normalise

MAX_LENGTH = 500
# A place word followed by one of these names a street or a building, not the place itself:
# 东明路 (a street in 濮阳), 牡丹大道, 菏泽花园.
_ROAD = re.compile(r"(?:路|大道|大街|街(?!道)|巷|胡同|公路|高速|桥|广场|小区|花园|家园|宾馆|酒店)")
_TOWN_SUFFIX = re.compile(r"(街道办事处|街道办|街道|办事处|镇|乡)$")
_COUNTY_SUFFIX = re.compile(r"(自治县|县|区|市)$")


@dataclass(frozen=True)
class GeocodeResult:
    """The answer for one address. `precision` uses the records' vocabulary (town, county, or
    digitised for an online provider's address-level point); lon/lat are WGS-84."""

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

    def as_dict(self) -> dict[str, object]:
        """The result as a plain dict, field name → value."""
        return asdict(self)


@dataclass(frozen=True)
class Entry:
    """What a name in the index stands for."""

    kind: str  # province, city, county, town, village, place; *_other outside the region
    county: str = ""  # county adcode in the region
    town: str = ""
    weight: float = 1.0  # how much a match of this spelling is trusted
    guarded: bool = False  # ignored before a road word (东明路, 城武路)
    at_start: bool = False  # only counts at the start of the address (short city names)
    weak: bool = False  # a short form (郓城 for 郓城县): weaker evidence than a full name


@dataclass(frozen=True)
class AddressIndex:
    """Every name of a region (and the names of everywhere else), ready for longest-match scans."""

    region_adcode: str
    region_name: str
    names: dict[str, tuple[Entry, ...]]
    lengths: dict[str, tuple[int, ...]]  # first character → name lengths starting with it
    county_names: dict[str, str] = field(default_factory=dict)
    town_points: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    seat_points: dict[str, tuple[float, float]] = field(default_factory=dict)
    central_county: str = ""  # where a city address without a county lies (the city seat's)


def _add(names: dict[str, list[Entry]], name: str, entry: Entry) -> None:
    key = normalise(name)
    if len(key) >= 2 and entry not in names.setdefault(key, []):
        names[key].append(entry)


def _stem(name: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub("", name)


def _add_outside(names: dict[str, list[Entry]], outside: pd.DataFrame, region: str) -> None:
    """Provinces, cities and counties elsewhere in China: evidence that an address is not ours."""
    for row in outside.itertuples(index=False):
        if row.level == "province" and row.adcode[:2] != region[:2]:
            _add(names, row.name, Entry("province_other"))
            _add(names, row.short_name, Entry("province_other", guarded=True, at_start=True,
                                              weak=True))
        elif row.level == "province":
            _add(names, row.name, Entry("province"))
            _add(names, row.short_name, Entry("province", guarded=True, at_start=True,
                                              weak=True))
        elif row.level == "city":
            kind = "city" if row.adcode == region else "city_other"
            _add(names, row.name, Entry(kind))
            _add(names, row.short_name, Entry(kind, guarded=True, at_start=True, weak=True))
        elif row.level == "district" and row.adcode[:4] != region[:4]:
            _add(names, row.name, Entry("county_other"))


def _add_counties(names: dict[str, list[Entry]], gaz: Gazetteer, aliases: pd.DataFrame) -> None:
    for seat in gaz.seats.itertuples(index=False):
        _add(names, seat.name_zh, Entry("county", seat.adcode))
        stem = _stem(seat.name_zh, _COUNTY_SUFFIX)
        if len(stem) >= 2:
            _add(names, stem, Entry("county", seat.adcode, weight=0.9, guarded=True, weak=True))
    for row in aliases.itertuples(index=False):
        kind = "county" if row.kind in ("old_name", "variant") and not row.town else "place"
        _add(names, row.alias, Entry(kind, row.county_adcode, row.town, float(row.weight),
                                     guarded=True, weak=len(row.alias) <= 2))


def _add_towns(names: dict[str, list[Entry]], gaz: Gazetteer, villages: pd.DataFrame) -> None:
    for row in gaz.towns.itertuples(index=False):
        town = row.town if row.current != "no" else _current_name(gaz, row)
        _add(names, row.town, Entry("town", row.county_adcode, town))
        stem = _stem(row.town, _TOWN_SUFFIX)
        if len(stem) >= 2:
            for form in (stem, stem + "办事处", stem + "街道办", stem + "街道", stem + "镇",
                         stem + "乡"):
                weak = form == stem
                _add(names, form, Entry("town", row.county_adcode, town, 0.95, guarded=True,
                                        weak=weak))
    for row in villages.itertuples(index=False):
        _add(names, row.village, Entry("village", row.county_adcode, row.town, 0.8,
                                       guarded=True, weak=True))


def _current_name(gaz: Gazetteer, former: object) -> str:
    """A former 2016 unit's current name when one carries its code (张鲁集乡 → 张鲁集镇)."""
    hit = gaz.towns[(gaz.towns["town_code_2016"] == former.town_code_2016)
                    & (gaz.towns["current"] == "yes")] if former.town_code_2016 else []
    return hit["town"].iloc[0] if len(hit) else former.town


def build_index(region_adcode: str, region_name: str, gazetteer: Gazetteer,
                villages: pd.DataFrame, aliases: pd.DataFrame, places: pd.DataFrame,
                outside: pd.DataFrame, central_county: str = "") -> AddressIndex:
    """Index the names of a region.

    villages: county_adcode, town, village · aliases: alias, kind, county_adcode, town, weight
    places: name, county_adcode, town (named parks and zones) · outside: level, adcode, name,
    short_name (every province, city and county of China, for recognising other places).
    """
    names: dict[str, list[Entry]] = {}
    _add_outside(names, outside, str(region_adcode))
    _add_counties(names, gazetteer, aliases)
    _add_towns(names, gazetteer, villages)
    for row in places.itertuples(index=False):
        _add(names, row.name, Entry("place", row.county_adcode, row.town, 0.9))
    frozen = {k: tuple(v) for k, v in names.items()}
    lengths: dict[str, set[int]] = {}
    for key in frozen:
        lengths.setdefault(key[0], set()).add(len(key))
    seats = gazetteer.seats
    towns = gazetteer.town_points()
    return AddressIndex(
        str(region_adcode), region_name, frozen,
        {c: tuple(sorted(n, reverse=True)) for c, n in lengths.items()},
        dict(zip(seats["adcode"], seats["name_zh"], strict=True)),
        {(r.county_adcode, r.town): (r.lon, r.lat) for r in towns.itertuples(index=False)},
        {r.adcode: (float(r.lon), float(r.lat)) for r in seats.itertuples(index=False)},
        central_county)


@dataclass(frozen=True)
class Hit:
    """A place name found in an address: where it starts, its text and what it may stand for."""

    start: int
    text: str
    entries: tuple[Entry, ...]


def scan(text: str, index: AddressIndex) -> list[Hit]:
    """Longest matches left to right; a short form before a road word is skipped."""
    hits: list[Hit] = []
    i = 0
    while i < len(text):
        # short city/province names count only at the start or right after a province
        at_start = i == 0 or (bool(hits) and hits[-1].start + len(hits[-1].text) == i
                              and any(e.kind.startswith("province") for e in hits[-1].entries))
        for size in index.lengths.get(text[i], ()):
            word = text[i:i + size]
            entries = index.names.get(word) if len(word) == size else None
            if not entries:
                continue
            before_road = bool(_ROAD.match(text, i + size))
            usable = tuple(e for e in entries if not (e.guarded and before_road)
                           and not (e.at_start and not at_start))
            if usable:
                hits.append(Hit(i, word, usable))
                i += size - 1
                break
        i += 1
    return hits


def _reject(query: str, status: str, message: str) -> GeocodeResult:
    return GeocodeResult(query, status, message=message)


def _precheck(query: str) -> GeocodeResult | None:
    """The answer for input that cannot be an address at all, or None."""
    if not query.strip():
        return _reject(query, "unparseable", "empty address")
    if len(query) > MAX_LENGTH:
        return _reject(query, "unparseable",
                       f"address is {len(query):,} characters long; at most {MAX_LENGTH}")
    if query.lstrip().startswith(("=", "+", "@")):
        return _reject(query, "unparseable", "looks like a spreadsheet formula, not an address")
    if not has_cjk(normalise(query)):
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


def _county(hits: list[Hit]) -> tuple[str, float, str]:
    """County adcode, confidence and the deciding text. A county name decides; then a town name
    found in only one county (鲁西新区陈集镇 is in 定陶区); then a named park or zone; then a
    village name found in only one county."""
    found = _pick(hits, "county")
    if found:
        hit, entry = found[0]
        return entry.county, 0.95 * entry.weight, hit.text
    county, text = _unique(hits, "town")
    if county:
        return county, 0.9, text
    found = _pick(hits, "place")
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


def _town(hits: list[Hit], county: str) -> tuple[str, str]:
    """The town in `county`: named directly, or through a named place or a unique village."""
    for kind in ("town", "place", "village"):
        for hit, entry in _pick(hits, kind, county):
            towns = {e.town for e in hit.entries if e.kind == kind and e.county == county}
            if entry.town and len(towns) == 1:
                return entry.town, hit.text
    return "", ""


def _ambiguity(query: str, hits: list[Hit], index: AddressIndex) -> GeocodeResult:
    counties = sorted({e.county for h in hits for e in h.entries if e.county})
    if counties:
        names = "、".join(index.county_names.get(c, c) for c in counties)
        return _reject(query, "ambiguous", f"'{hits[0].text}' exists in several counties "
                                           f"({names}); add the county")
    return _reject(query, "unparseable", f"no county or town of {index.region_name} found")


def geocode(address: str, index: AddressIndex) -> GeocodeResult:
    """Locate one address to its county and town, offline."""
    rejected = _precheck(address)
    if rejected:
        return rejected
    text = normalise(address)
    hits = scan(text, index)
    outside = _outside(hits)
    if outside is not None:
        return _reject(address, "not_in_region",
                       f"'{outside.text}' is not in {index.region_name}")
    county, confidence, matched = _county(hits)
    if not county:
        county, confidence, matched = _central(text, hits, index)
    if not county:
        return _ambiguity(address, hits, index)
    town, town_text = _town(hits, county)
    point = index.town_points.get((county, town)) if town else None
    precision = "town" if point else "county"
    point = point or index.seat_points.get(county, (None, None))
    note = "" if precision == "town" or not town else f"{town} has no point: at the county seat"
    if confidence <= 0.5:
        note = f"no county in the address: placed in {index.county_names.get(county)}"
    lon, lat = (round(v, 6) if v is not None else None for v in point)
    return GeocodeResult(
        address, "ok", county, index.county_names.get(county, ""), town, lon, lat,
        precision, "+".join(t for t in dict.fromkeys((matched, town_text)) if t),
        round(min(confidence + (0.05 if town else 0.0), 1.0), 2), note)


def geocode_many(addresses: Iterable[str], index: AddressIndex) -> pd.DataFrame:
    """One row per address (the GeocodeResult fields), in input order."""
    rows = [geocode("" if a is None else str(a), index).as_dict() for a in addresses]
    return pd.DataFrame(rows, columns=list(GeocodeResult.__dataclass_fields__))


def outside_names(tables: Sequence[tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    """(level, frame) pairs of admin tables → one frame: level, adcode, name, short_name."""
    parts = []
    for level, frame in tables:
        prefix = "district" if level == "district" else level
        parts.append(pd.DataFrame({"level": level, "adcode": frame[f"{prefix}_adcode"],
                                   "name": frame[f"{prefix}_name"],
                                   "short_name": frame["short_name"]}))
    return pd.concat(parts, ignore_index=True)
