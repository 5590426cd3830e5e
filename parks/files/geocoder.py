"""The region's offline geocoder, built from the data files (towns, villages, aliases, parks)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

import pandas as pd

from geo.boundaries import admin_table
from geo.gazetteer import load_gazetteer
from geo.geocode import GeocodeResult, geocode
from geo.placenames import AddressIndex, build_index, outside_names
from geo.providers import Geocoder, provider_from_settings
from geo.rate_limit import RateLimiter
from geo.reverse import county_index, reverse
from parks.config import DEFAULT_CONFIG

_ALIAS_COLUMNS = ["alias", "kind", "county_adcode", "town", "weight", "functional_area"]


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@cache
def _outside() -> pd.DataFrame:
    """Every province, city and county of China (names only), from the boundary package."""
    levels = ("province", "city", "district")
    return outside_names([(level, admin_table("tianditu", level)) for level in levels])


@cache
def region_index(region_adcode: str, data_dir: str | None = None) -> AddressIndex:
    """The address index of a region; built once per process (about 0.3 s)."""
    folder = Path(data_dir) if data_dir else DEFAULT_CONFIG.data_dir
    region = DEFAULT_CONFIG.region(region_adcode)
    gaz = load_gazetteer(folder / "towns.csv", folder / "county_seats.csv", region.adcode)
    villages = _read(folder / "villages.csv")
    aliases = _read(folder / "place_aliases.csv")
    parks = _read(folder / "parks.csv")
    mine = parks[(parks["region_adcode"] == region.adcode) & (parks["county_adcode"] != "")]
    places = pd.DataFrame({"name": mine["name_zh"], "county_adcode": mine["county_adcode"],
                           "town": mine["town"]})
    return build_index(
        region.adcode, region.label.zh, gaz,
        villages[villages["region_adcode"] == region.adcode],
        aliases.loc[aliases["region_adcode"] == region.adcode, _ALIAS_COLUMNS], places,
        _outside(), region.central_county)


def region_locator(region_adcode: str, counties, towns: pd.DataFrame
                   ) -> Callable[[float, float], tuple[str, str, str]]:
    """(lon, lat) → (county adcode, county, nearest town seat), for online providers' points."""
    index = county_index(counties)

    def locate(lon: float, lat: float) -> tuple[str, str, str]:
        found = reverse(lon, lat, index, towns)
        return str(found["county_adcode"]), str(found["county"]), str(found["town"])

    return locate


def address_geocoder(region_adcode: str, settings: Mapping[str, str],
                     locate: Callable[[float, float], tuple[str, str, str]] | None = None,
                     *, data_dir: Path | None = None, limiter: RateLimiter | None = None,
                     ) -> Callable[[str], GeocodeResult]:
    """The geocoder imports use: the online provider when one is configured (settings
    `geocoder` + key), searching in the region's city and rate-limited (`limiter`, default
    geo.providers.DEFAULT_RATE_PER_S) because the services throttle, falling back to the
    offline one whenever the service fails; else offline. The functional area is always the
    offline reading of the address (the services do not report one)."""
    index = region_index(region_adcode, str(data_dir) if data_dir else None)
    city = DEFAULT_CONFIG.region(region_adcode).label.zh
    online: Geocoder | None = provider_from_settings(settings, region_adcode=region_adcode,
                                                     city=city, locate=locate, limiter=limiter)
    if online is None:
        return lambda address: geocode(address, index)

    def combined(address: str) -> GeocodeResult:
        found = online.geocode(address)
        offline = geocode(address, index)
        if found.status != "unparseable":  # the zone is read from the address, as offline
            return GeocodeResult(**{**found.as_dict(), "functional_area": offline.functional_area})
        note = f"{online.name} failed ({found.message}); offline result"
        return GeocodeResult(**{**offline.as_dict(), "message": f"{note}. {offline.message}"})

    return combined
