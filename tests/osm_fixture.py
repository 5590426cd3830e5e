"""Synthetic OSM extracts in the style of Heze, written by tests with pyosmium (never in data/)."""

from __future__ import annotations

from pathlib import Path

import osmium
from osmium.osm.mutable import Node, Way

# Every name and line here is invented for tests; the names say so (合成 = synthetic).
REGION_BOX = (114.7, 34.5, 116.5, 36.0)  # covers Heze's counties with a margin
CITY = (115.48, 35.24)  # where the synthetic city's streets, river and industrial area lie


class _Ids:
    def __init__(self) -> None:
        self.node = 0
        self.way = 0

    def next_node(self) -> int:
        self.node += 1
        return self.node

    def next_way(self) -> int:
        self.way += 1
        return self.way


def _line(writer: osmium.SimpleWriter, ids: _Ids, coords: list[tuple[float, float]],
          tags: dict[str, str], *, closed: bool = False) -> None:
    refs = []
    for lon, lat in coords:
        node = ids.next_node()
        writer.add_node(Node(id=node, location=(lon, lat), version=1, tags={}))
        refs.append(node)
    if closed:
        refs.append(refs[0])
    writer.add_way(Way(id=ids.next_way(), nodes=refs, version=1, tags=tags))


def tiny_heze_pbf(path: Path) -> Path:
    """One of each: a named primary road, a railway, a river, an industrial area and a town."""
    ids = _Ids()
    with osmium.SimpleWriter(str(path)) as writer:
        _line(writer, ids, [(115.40, 35.20), (115.50, 35.22)],
              {"highway": "primary", "name": "合成大道", "name:zh": "合成大道", "ref": "G220"})
        _line(writer, ids, [(115.40, 35.25), (115.50, 35.26)],
              {"railway": "rail", "name": "合成铁路"})
        _line(writer, ids, [(115.41, 35.18), (115.49, 35.27)], {"waterway": "river", "name": "合成河"})
        _line(writer, ids, [(115.42, 35.21), (115.46, 35.21), (115.46, 35.24), (115.42, 35.24)],
              {"landuse": "industrial", "name": "合成工业园"}, closed=True)
        writer.add_node(Node(id=ids.next_node(), location=(115.45, 35.23), version=1,
                             tags={"place": "town", "name": "合成镇", "name:en": "Hecheng"}))
    return path


def houses_only_pbf(path: Path) -> Path:
    """Two synthetic houses and nothing else: a region whose only features are buildings."""
    ids = _Ids()
    with osmium.SimpleWriter(str(path)) as writer:
        for i in range(2):
            west = 115.45 + i * 0.001
            _line(writer, ids, [(west, 35.22), (west + 0.0002, 35.22), (west + 0.0002, 35.2202),
                                (west, 35.2202)], {"building": "yes", "name": f"合成房{i + 1}"},
                  closed=True)
    return path


def region_heze_pbf(path: Path) -> Path:
    """A synthetic region over Heze's extent: a trunk-road grid every 0.2°, a river and a
    railway across it, and around CITY a street grid, an industrial area, a lake and place
    names — enough for a basemap to show at the region view and at zoom 14."""
    ids = _Ids()
    west, south, east, north = REGION_BOX
    with osmium.SimpleWriter(str(path)) as writer:
        for i in range(10):
            lon = round(west + 0.1 + 0.2 * i, 4)
            _line(writer, ids, [(lon, south), (lon, north)],
                  {"highway": "trunk", "name": f"合成经{i + 1}路", "ref": f"S{i + 1}"})
        for j in range(8):
            lat = round(south + 0.1 + 0.2 * j, 4)
            _line(writer, ids, [(west, lat), (east, lat)],
                  {"highway": "primary", "name": f"合成纬{j + 1}路"})
        _line(writer, ids, [(west, 34.9), (115.5, 35.3), (east, 35.7)],
              {"waterway": "river", "name": "合成河", "name:en": "Synthetic River"})
        _line(writer, ids, [(west, 35.5), (east, 34.8)], {"railway": "rail", "name": "合成铁路"})
        _city(writer, ids)
    return path


def _city(writer: osmium.SimpleWriter, ids: _Ids) -> None:
    lon0, lat0 = CITY
    for k in range(-5, 6):  # residential streets every ~450 m: visible at zoom 14
        d = k * 0.005
        _line(writer, ids, [(lon0 + d, lat0 - 0.03), (lon0 + d, lat0 + 0.03)],
              {"highway": "residential", "name": f"合成街{k + 6}"})
        _line(writer, ids, [(lon0 - 0.03, lat0 + d), (lon0 + 0.03, lat0 + d)],
              {"highway": "secondary" if k == 0 else "residential", "name": f"合成巷{k + 6}"})
    _line(writer, ids, [(lon0 + 0.005, lat0 + 0.005), (lon0 + 0.025, lat0 + 0.005),
                        (lon0 + 0.025, lat0 + 0.025), (lon0 + 0.005, lat0 + 0.025)],
          {"landuse": "industrial", "name": "合成工业园"}, closed=True)
    _line(writer, ids, [(lon0 - 0.025, lat0 - 0.025), (lon0 - 0.008, lat0 - 0.025),
                        (lon0 - 0.008, lat0 - 0.008), (lon0 - 0.025, lat0 - 0.008)],
          {"natural": "water", "name": "合成湖"}, closed=True)
    for name, en, place, (dlon, dlat) in (("合成市", "Synthetic City", "city", (0.0, 0.0)),
                                          ("合成镇", "Hecheng", "town", (0.3, -0.2)),
                                          ("合成村", "", "village", (-0.2, 0.15))):
        tags = {"place": place, "name": name, **({"name:en": en} if en else {})}
        writer.add_node(Node(id=ids.next_node(), location=(lon0 + dlon, lat0 + dlat), version=1,
                             tags=tags))


# A synthetic park enclosed by four named features, for the 四至 → outline tests: the park
# spans SIZHI_PARK (offsets in degrees from the park's known point); every name is 合成.
SIZHI_PARK = (-0.025, -0.033, 0.0, -0.012)  # west, south, east, north offsets
SIZHI_TEXT = "东至合成经七路，西至合成能源大道，南至合成纬二路南侧，北至合成魯南高鐵"


def sizhi_pbf(path: Path, centre: tuple[float, float]) -> Path:
    """Four bounding features named as OSM might (经7路 for 经七路, 能源路 for 能源大道, 高速铁路
    for 高铁), a dual carriageway, an east road ending short of the railway, a same-named road
    farther away, a river sharing the west road's stem, and an industrial area inside."""
    x, y = centre
    west, south, east, north = SIZHI_PARK
    ids = _Ids()
    with osmium.SimpleWriter(str(path)) as writer:
        _line(writer, ids, [(x + east, y - 0.05), (x + east, y + north - 0.0015)],
              {"highway": "tertiary", "name": "合成经7路"})  # ends ~170 m short of the railway
        _line(writer, ids, [(x + east + 0.045, y - 0.06), (x + east + 0.045, y + 0.01)],
              {"highway": "tertiary", "name": "合成经7路"})  # the same name, 4 km farther east
        _line(writer, ids, [(x + west, y - 0.06), (x + west, y + 0.01)],
              {"highway": "primary", "name": "合成能源路"})
        _line(writer, ids, [(x + west - 0.005, y - 0.06), (x + west - 0.005, y + 0.01)],
              {"waterway": "river", "name": "合成能源河"})  # a 河 is never the 大道
        for d in (-0.0001, 0.0001):  # a dual carriageway: two ways ~22 m apart
            _line(writer, ids, [(x + west - 0.02, y + south + d), (x + east + 0.025, y + south + d)],
                  {"highway": "secondary", "name": "合成纬二路", "oneway": "yes"})
        _line(writer, ids, [(x + west - 0.03, y + north - 0.0005), (x + east + 0.035, y + north + 0.0005)],
              {"railway": "rail", "name": "合成鲁南高速铁路"})
        _line(writer, ids, [(x + west + 0.002, y - 0.03), (x + east - 0.005, y - 0.03),
                            (x + east - 0.005, y - 0.015), (x + west + 0.002, y - 0.015)],
              {"landuse": "industrial", "name": "合成化工园"}, closed=True)
    return path
