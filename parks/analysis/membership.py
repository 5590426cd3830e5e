"""Who is inside which park, derived from outlines: the innermost park whose outline holds a point."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geo.crs import METRIC_CRS
from parks.analysis.profile import descendant_ids, enterprise_top
from parks.model.dataset import Dataset
from parks.model.outlines import outline_frame

PRECISE = ("surveyed", "digitised")  # only a point known to the site can be inside an outline
COLUMNS = ["layer", "id", "park_id", "status"]
STATUS = ("inside", "outside", "undecidable")  # undecidable: known to its town or county only


def members(dataset: Dataset, layers: tuple[str, ...] = ("enterprises", "projects")
            ) -> pd.DataFrame:
    """One row per record of `layers`: the innermost park (片区 before the park that holds it)
    whose outline contains its point, and its status: inside, outside (a precise point in no
    outline), undecidable (a town or county point, or none: never counted as inside)."""
    outlines = outline_frame(dataset.parks)
    rows = [_layer_members(getattr(dataset, layer), layer, outlines) for layer in layers]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=COLUMNS)


def _layer_members(records: gpd.GeoDataFrame, layer: str, outlines: gpd.GeoDataFrame
                   ) -> pd.DataFrame:
    precise = records["precision"].isin(PRECISE) & records.geometry.notna()
    out = pd.DataFrame({"layer": layer, "id": records["id"].to_numpy(), "park_id": "",
                        "status": "undecidable"})
    out.loc[precise.to_numpy(), "status"] = "outside"
    if not precise.any() or outlines.empty:
        return out
    areas = outlines.to_crs(METRIC_CRS).area.rename("area_m2")
    shapes = gpd.GeoDataFrame({"park": outlines["id"], "area_m2": areas},
                              geometry=outlines.geometry, crs=outlines.crs)
    points = gpd.GeoDataFrame({"row": records.index[precise]},
                              geometry=records.geometry[precise].to_numpy(), crs=records.crs)
    hits = gpd.sjoin(points, shapes, predicate="within", how="inner")
    innermost = hits.sort_values("area_m2").drop_duplicates("row").set_index("row")["park"]
    where = records.index.get_indexer(innermost.index)
    out.loc[where, "park_id"] = innermost.to_numpy()
    out.loc[where, "status"] = "inside"
    return out


def counts(membership: pd.DataFrame, park_ids: list[str]) -> pd.DataFrame:
    """Members per park (a 片区's members also count for the parks holding it is not assumed:
    each record counts once, for its innermost park), with the undecidable total beside."""
    inside = membership[membership["status"] == "inside"]
    table = inside.groupby(["park_id", "layer"]).size().unstack(fill_value=0)
    table = table.reindex(index=park_ids, columns=["enterprises", "projects"], fill_value=0)
    return table.assign(undecidable=int((membership["status"] == "undecidable").sum()))


MEMBER_COUNTS = ["outlined", "enterprises", "projects", "undecidable"]


def park_members(dataset: Dataset, found: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per park (index: id): whether it or one of its 片区 has an outline; the enterprises and
    projects inside (a record in a 片区 counts for the 片区 and for the parks holding it through
    parent_id); the undecidable records of its county, to show beside. `found`: members()."""
    found = members(dataset) if found is None else found
    inside = found[found["status"] == "inside"]
    per = (inside.groupby(["park_id", "layer"]).size().unstack(fill_value=0)
           .reindex(columns=["enterprises", "projects"], fill_value=0))
    parks = dataset.parks
    drawn = set(parks.loc[parks["boundary"].fillna("") != "", "id"])
    open_ = undecidable_by_county(dataset, found)
    rows = []
    for park_id, county in zip(parks["id"], parks["county_adcode"], strict=True):
        family = [park_id, *descendant_ids(parks, park_id)]
        held = per.reindex(family, fill_value=0).sum()
        rows.append({"outlined": bool(drawn.intersection(family)),
                     "enterprises": int(held["enterprises"]), "projects": int(held["projects"]),
                     "undecidable": int(open_.get(county, 0))})
    return pd.DataFrame(rows, index=pd.Index(parks["id"], name="id"), columns=MEMBER_COUNTS)


def industry_members(dataset: Dataset, top: str, found: pd.DataFrame | None = None
                     ) -> pd.Series:
    """Per park (index: id): enterprises of the top-level industry `top` inside its outline or
    a 片区's (through parent_id), from members(); <NA> while neither the park nor any of its
    片区 has an outline: then nobody can tell who is inside, and 0 would be a claim."""
    found = members(dataset, ("enterprises",)) if found is None else found
    inside = found[(found["layer"] == "enterprises") & (found["status"] == "inside")]
    firms = dataset.enterprises.set_index("id").reindex(inside["id"])
    tops = [enterprise_top(row, dataset.taxonomy) for _, row in firms.iterrows()]
    per = inside.loc[[code == top for code in tops], "park_id"].value_counts()
    parks = dataset.parks
    drawn = set(parks.loc[parks["boundary"].fillna("") != "", "id"])
    counts = {}
    for park_id in parks["id"]:
        family = [park_id, *descendant_ids(parks, park_id)]
        counts[park_id] = (int(per.reindex(family, fill_value=0).sum())
                           if drawn.intersection(family) else pd.NA)
    return pd.Series(counts, dtype="Int64", name="firms").rename_axis("id")


@dataclass(frozen=True, eq=False)
class Memberships:
    """Who is inside which park: per record (members()) and per park (park_members())."""

    records: pd.DataFrame
    parks: pd.DataFrame
    names: dict[str, str] = field(default_factory=dict)  # park id → name_zh

    def status(self, layer: str, ids: pd.Series) -> pd.DataFrame:
        """park_id and status of the records `ids` of `layer`, in their order (a record not
        found: outside, no park)."""
        mine = self.records[self.records["layer"] == layer].set_index("id")
        return pd.DataFrame({"park_id": ids.map(mine["park_id"]).fillna("").to_numpy(),
                             "status": ids.map(mine["status"]).fillna("outside").to_numpy()},
                            index=ids.index)


def membership_of(dataset: Dataset, found: pd.DataFrame | None = None,
                  per_park: pd.DataFrame | None = None) -> Memberships:
    """The dataset's Memberships; `found`: members(dataset), `per_park`: park_members(dataset,
    found), each when already at hand."""
    found = members(dataset) if found is None else found
    per_park = park_members(dataset, found) if per_park is None else per_park
    names = dict(zip(dataset.parks["id"], dataset.parks["name_zh"], strict=True))
    return Memberships(found, per_park, names)


def undecidable_by_county(dataset: Dataset, found: pd.DataFrame) -> pd.Series:
    """How many records of each county (index: adcode) are undecidable: known only to a town or
    the county, or not located, so never counted as inside a park."""
    places = pd.concat([pd.DataFrame({"layer": layer, "id": frame["id"],
                                      "county_adcode": frame["county_adcode"]})
                        for layer, frame in (("enterprises", dataset.enterprises),
                                             ("projects", dataset.projects))])
    open_ = found[found["status"] == "undecidable"].merge(places, on=["layer", "id"])
    return open_.groupby("county_adcode").size()


def park_at(dataset: Dataset, lon: float, lat: float, kind: str = "chemical_park"
            ) -> tuple[str, int]:
    """The innermost park of `kind` whose outline holds (lon, lat), "" when none does; and how
    many parks of that kind have no outline yet (the point may lie in one of them)."""
    parks = dataset.parks[dataset.parks["kind"] == kind]
    outlines = outline_frame(parks)
    unmapped = len(parks) - len(outlines)
    if outlines.empty:
        return "", unmapped
    holding = outlines[outlines.contains(Point(lon, lat))]
    if holding.empty:
        return "", unmapped
    return str(holding.loc[holding.to_crs(METRIC_CRS).area.idxmin(), "id"]), unmapped


EDGE_M = 1.0  # an edge two outlines share, digitised twice, may differ by this much


def held_by(parks: pd.DataFrame, kind: str = "chemical_park") -> pd.DataFrame:
    """For each park not of `kind` (index: its id): `outline`, the innermost park of `kind`
    whose outline covers this park's own outline ("" when none, or it has no outline), and
    `point`, the one whose outline merely holds its point (said, never counted)."""
    others = parks[parks["kind"] != kind]
    out = pd.DataFrame({"outline": "", "point": ""}, index=pd.Index(others["id"], name="id"))
    holders = outline_frame(parks[parks["kind"] == kind])
    if holders.empty or others.empty:
        return out
    metric = holders.to_crs(METRIC_CRS)
    metric = metric.assign(area=metric.area).sort_values("area")  # innermost first
    grown = metric.buffer(EDGE_M)
    own = outline_frame(others).to_crs(METRIC_CRS)
    for park_id, shape in zip(own["id"], own.geometry, strict=True):
        covering = metric.loc[grown.covers(shape), "id"]
        out.loc[park_id, "outline"] = covering.iloc[0] if len(covering) else ""
    located = others[others.geometry.notna()]
    for park_id, point in zip(located["id"], located.to_crs(METRIC_CRS).geometry, strict=True):
        holding = metric.loc[metric.contains(point), "id"]
        out.loc[park_id, "point"] = holding.iloc[0] if len(holding) else ""
    return out
