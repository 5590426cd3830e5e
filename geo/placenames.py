"""The name index the offline geocoder scans: every spelling of a region's places, and China's."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from geo.gazetteer import Gazetteer
from geo.normalise import normalise

_TOWN_SUFFIX = re.compile(r"(街道办事处|街道办|街道|办事处|镇|乡)$")
_COUNTY_SUFFIX = re.compile(r"(自治县|县|区|市)$")
_VILLAGE_SUFFIX = re.compile(r"(村民委员会|村委会|村)$")


@dataclass(frozen=True)
class Entry:
    """What a name in the index stands for."""

    # province, city, county, town, village, hamlet (a village name without 村), place,
    # zone (a functional area's short form: counts only beside other evidence of the region);
    # *_other outside the region
    kind: str
    county: str = ""  # county adcode in the region
    town: str = ""
    weight: float = 1.0  # how much a match of this spelling is trusted
    guarded: bool = False  # ignored before a road word (东明路, 城武路)
    at_start: bool = False  # only counts at the start of the address (short city names)
    weak: bool = False  # a short form (郓城 for 郓城县): weaker evidence than a full name
    zone: str = ""  # the functional area (菏泽高新区 …) this name lies in, if any


@dataclass(frozen=True)
class AddressIndex:
    """Every name of a region (and the names of everywhere else), ready for longest-match scans."""

    region_adcode: str
    region_name: str
    names: dict[str, tuple[Entry, ...]]
    county_names: dict[str, str] = field(default_factory=dict)
    town_points: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    seat_points: dict[str, tuple[float, float]] = field(default_factory=dict)
    central_county: str = ""  # where a city address without a county lies (the city seat's)
    plain: frozenset[str] = frozenset()  # names none of whose entries is guarded or at_start
    # a name's entries that still count before a road word (none: the name is then a road)
    unguarded: dict[str, tuple[Entry, ...]] = field(default_factory=dict)
    anchored: frozenset[str] = frozenset()  # names with an entry that counts only at the start
    prefixes: frozenset[str] = frozenset()  # every start (≥ 2 characters) of a longer name
    starts: frozenset[str] = frozenset()  # the first two characters of every name


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


def _add_outside_stems(names: dict[str, list[Entry]], outside: pd.DataFrame, region: str) -> None:
    """Short forms of other regions' counties (金乡 for 金乡县, 临清 for 临清市), so that 金乡胡集镇
    is not our 胡集镇; only where the short form is no name of ours, and never for 区 (城关,
    新华 are common words)."""
    other = outside[(outside["level"] == "district") & (outside["adcode"].str[:4] != region[:4])
                    & outside["name"].str.contains(r"[县市]$")]
    for name in other["name"]:
        stem = normalise(name)[:-1]
        if len(stem) >= 2 and stem not in names:
            names[stem] = [Entry("county_other", guarded=True, weak=True)]


def _alias_entry(row: object) -> Entry:
    """An alias row as an index entry: a county's former or misspelt name, a misspelt city
    name (no county), a functional area (full or short form) or a named place."""
    weak = len(row.alias) <= 2
    if row.kind == "city_variant":
        return Entry("city", guarded=True, at_start=weak, weak=weak)
    if row.kind in ("old_name", "variant") and not row.town:
        return Entry("county", row.county_adcode, weight=float(row.weight), guarded=True,
                     weak=weak)
    if row.kind == "functional_area_short":
        return Entry("zone", row.county_adcode, weight=float(row.weight), guarded=True,
                     weak=True, zone=row.functional_area)
    return Entry("place", row.county_adcode, row.town, float(row.weight), guarded=True,
                 weak=weak, zone=row.functional_area)


def _add_counties(names: dict[str, list[Entry]], gaz: Gazetteer, aliases: pd.DataFrame) -> None:
    for seat in gaz.seats.itertuples(index=False):
        # guarded: 单县路 and 曹县大道 are streets (in other cities too), not the county
        _add(names, seat.name_zh, Entry("county", seat.adcode, guarded=True))
        stem = _stem(seat.name_zh, _COUNTY_SUFFIX)
        if len(stem) >= 2:
            _add(names, stem, Entry("county", seat.adcode, weight=0.9, guarded=True, weak=True))
    for row in aliases.itertuples(index=False):
        _add(names, row.alias, _alias_entry(row))


def _town_forms(town: str, official: set[str]) -> list[tuple[str, bool]]:
    """The spellings of a town besides its own, each with whether it is a weak short form:
    the stem with any town word (随官屯, 随官屯乡, 万福办事处), and 「X镇」 for 「X集镇」 (普连镇)
    unless another town is officially called so."""
    stem = _stem(town, _TOWN_SUFFIX)
    if len(stem) < 2:
        return []
    forms = [(stem, True)] + [(stem + word, False)
                              for word in ("办事处", "街道办", "街道", "镇", "乡")]
    if stem.endswith("集") and len(stem) >= 3:
        forms += [(stem[:-1] + word, False) for word in ("镇", "乡")
                  if stem[:-1] + word not in official]
    return forms


def town_zones(towns: pd.DataFrame, aliases: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(county adcode, town) → the functional area administering the town (towns.csv's unit,
    when it is not the county), by the name the aliases give it (菏泽经济技术开发区 → 菏泽经济开发区);
    towns a county administers itself are left out."""
    zones = dict(zip(aliases["alias"], aliases["functional_area"], strict=True))
    mine = towns[towns["unit_adcode"] != towns["county_adcode"]]
    return {(c, t): zones.get(u) or u
            for c, t, u in zip(mine["county_adcode"], mine["town"], mine["unit"], strict=True)}


def _add_towns(names: dict[str, list[Entry]], gaz: Gazetteer, zones: dict[tuple[str, str], str],
               renamed: dict[tuple[str, str], str]) -> None:
    """Towns under every spelling; a town administered by a functional area carries it."""
    official = set(gaz.towns["town"])
    for row in gaz.towns.itertuples(index=False):
        town = row.town if row.current != "no" else _current_name(gaz, row, renamed)
        zone = zones.get((row.county_adcode, row.town), "")
        _add(names, row.town, Entry("town", row.county_adcode, town, zone=zone))
        for form, weak in _town_forms(row.town, official):
            _add(names, form, Entry("town", row.county_adcode, town, 0.95, guarded=True,
                                    weak=weak, zone=zone))


def _add_villages(names: dict[str, list[Entry]], villages: pd.DataFrame) -> None:
    """Villages by full name, and by the name without 村 (a 「马寨小学」 names 马寨村), which only
    decides a town once the county is known."""
    for row in villages.itertuples(index=False):
        _add(names, row.village, Entry("village", row.county_adcode, row.town, 0.8,
                                       guarded=True, weak=True))
        stem = _stem(row.village, _VILLAGE_SUFFIX)
        if len(stem) >= 2 and stem != row.village:
            _add(names, stem, Entry("hamlet", row.county_adcode, row.town, 0.7, guarded=True,
                                    weak=True))


def _current_name(gaz: Gazetteer, former: object, renamed: dict[tuple[str, str], str]) -> str:
    """A former 2016 unit's current name when one carries its code (张鲁集乡 → 张鲁集镇), or
    when an alias row names it (鱼沃街道 → 渔沃街道)."""
    hit = gaz.towns[(gaz.towns["town_code_2016"] == former.town_code_2016)
                    & (gaz.towns["current"] == "yes")] if former.town_code_2016 else []
    if len(hit):
        return hit["town"].iloc[0]
    return renamed.get((former.county_adcode, former.town), former.town)


def build_index(region_adcode: str, region_name: str, gazetteer: Gazetteer,
                villages: pd.DataFrame, aliases: pd.DataFrame, places: pd.DataFrame,
                outside: pd.DataFrame, central_county: str = "") -> AddressIndex:
    """Index the names of a region.

    villages: county_adcode, town, village · aliases: alias, kind, county_adcode, town, weight,
    functional_area · places: name, county_adcode, town (named parks and zones) · outside:
    level, adcode, name, short_name (every province, city and county of China).
    """
    names: dict[str, list[Entry]] = {}
    _add_outside(names, outside, str(region_adcode))
    _add_counties(names, gazetteer, aliases)
    zones = town_zones(gazetteer.towns, aliases)
    with_town = aliases[aliases["town"] != ""]
    renamed = dict(zip(zip(with_town["county_adcode"], with_town["alias"], strict=True),
                       with_town["town"], strict=True))
    _add_towns(names, gazetteer, zones, renamed)
    _add_villages(names, villages)
    _add_outside_stems(names, outside, str(region_adcode))
    for row in places.itertuples(index=False):
        _add(names, row.name, Entry("place", row.county_adcode, row.town, 0.9))
    frozen = {k: tuple(v) for k, v in names.items()}
    seats = gazetteer.seats
    towns = gazetteer.town_points()
    # points rounded once here, not on every answer
    return AddressIndex(
        str(region_adcode), region_name, frozen,
        dict(zip(seats["adcode"], seats["name_zh"], strict=True)),
        {(r.county_adcode, r.town): (round(r.lon, 6), round(r.lat, 6))
         for r in towns.itertuples(index=False)},
        {r.adcode: (round(float(r.lon), 6), round(float(r.lat), 6))
         for r in seats.itertuples(index=False)},
        central_county,
        frozenset(k for k, v in frozen.items() if not any(e.guarded or e.at_start for e in v)),
        {k: tuple(e for e in v if not e.guarded) for k, v in frozen.items()},
        frozenset(k for k, v in frozen.items() if any(e.at_start for e in v)),
        frozenset(k[:n] for k in frozen for n in range(2, len(k))),
        frozenset(k[:2] for k in frozen))


def outside_names(tables: Sequence[tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    """(level, frame) pairs of admin tables → one frame: level, adcode, name, short_name."""
    parts = []
    for level, frame in tables:
        prefix = "district" if level == "district" else level
        parts.append(pd.DataFrame({"level": level, "adcode": frame[f"{prefix}_adcode"],
                                   "name": frame[f"{prefix}_name"],
                                   "short_name": frame["short_name"]}))
    return pd.concat(parts, ignore_index=True)
