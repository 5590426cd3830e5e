"""化工企业入园率: chemical enterprises inside vs outside recognised chemical parks, from outlines."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo.crs import METRIC_CRS
from parks.analysis.membership import members
from parks.analysis.query import record_codes
from parks.model.dataset import Dataset
from parks.model.outlines import outline_frame


@dataclass(frozen=True)
class ChemicalCode:
    """An industry code whose enterprises Shandong's 进区入园 rule is applied to, and why."""

    code: str
    help: str


CHEMICAL: tuple[ChemicalCode, ...] = (
    ChemicalCode("CHEM", "高端化工, one of Heze's two \"231\" core industries"),
    ChemicalCode("NMT.CHEMICAL", "化工新材料: new chemical materials (菏政发〔2024〕1号)"),
    ChemicalCode("BIO.CHEM", "化学药: chemical drugs, made by chemical synthesis"),
)
BY_COUNTY = ["county_adcode", "county", "chemical", "inside", "outside", "undecidable", "rate"]
OUTSIDE = ["id", "name_zh", "county", "nearest_park", "distance_km", "to_outline"]


@dataclass(frozen=True, eq=False)
class Compliance:
    """入园率 overall and by county (inside ÷ decidable), the outside list, the undecidable count."""

    by_county: pd.DataFrame
    outside: pd.DataFrame
    overall: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready (no rate where nothing is decidable: None, not NaN): figures, counties,
        the outside list."""
        return {"overall": _plain(self.overall),
                "by_county": [_plain(row) for row in self.by_county.to_dict("records")],
                "outside": [_plain(row) for row in self.outside.to_dict("records")]}


def _plain(row: dict) -> dict:
    return {key: (None if isinstance(v, float) and math.isnan(v) else
                  v.item() if hasattr(v, "item") else v) for key, v in row.items()}


def chemical(enterprises: pd.DataFrame) -> pd.Series:
    """Which enterprises are chemical: their industry or sub-sector is one of CHEMICAL."""
    codes = {c.code for c in CHEMICAL}
    return record_codes(enterprises).map(lambda found: bool(codes.intersection(found)))


def _rate(inside: int, outside: int) -> float:
    return round(inside / (inside + outside), 4) if inside + outside else math.nan


def compliance(dataset: Dataset, counties: tuple[str, ...] = (),
               found: pd.DataFrame | None = None, only: pd.Series | None = None) -> Compliance:
    """入园率 of the chemical enterprises (of `counties`, or all): inside a chemical park's
    outline (its innermost park being a chemical park or one of its 片区) or outside; those
    known only to a town or county, and those outside every outline in a county where some
    chemical park has no outline yet, are undecidable: never counted either way. `found`: the
    dataset's memberships when already at hand (parks.analysis.membership.members); `only`:
    the ids of the enterprises to count (a selection's), None for all."""
    firms = dataset.enterprises[chemical(dataset.enterprises)]
    if only is not None:
        firms = firms[firms["id"].isin(only)]
    if counties:
        firms = firms[firms["county_adcode"].isin(counties)]
    found = members(dataset, ("enterprises",)) if found is None else found
    status = found[found["layer"] == "enterprises"].set_index("id").loc[firms["id"]]
    kinds = dataset.parks.set_index("id")["kind"]
    inside = (status["status"] == "inside") & status["park_id"].map(kinds).eq("chemical_park")
    state = pd.Series("outside", index=firms.index)
    state[inside.to_numpy()] = "inside"
    # outside no outline, yet a chemical park of its county has none: it may lie in that one
    chem = dataset.parks[dataset.parks["kind"] == "chemical_park"]
    unmapped = set(chem.loc[chem["boundary"].fillna("") == "", "county_adcode"])
    maybe = (state == "outside") & firms["county_adcode"].isin(unmapped).to_numpy()
    state[maybe | (status["status"] == "undecidable").to_numpy()] = "undecidable"
    names = dict(zip(dataset.counties["adcode"], dataset.counties["name_zh"], strict=True))
    table = (pd.DataFrame({"county_adcode": firms["county_adcode"], "state": state})
             .groupby(["county_adcode", "state"]).size().unstack(fill_value=0)
             .reindex(columns=["inside", "outside", "undecidable"], fill_value=0).reset_index())
    table["county"] = table["county_adcode"].map(names).fillna("")
    table["chemical"] = table[["inside", "outside", "undecidable"]].sum(axis=1)
    table["rate"] = [_rate(i, o) for i, o in zip(table["inside"], table["outside"], strict=True)]
    totals = {key: int((state == key).sum()) for key in ("inside", "outside", "undecidable")}
    overall = {"chemical": len(firms), **totals, "rate": _rate(totals["inside"], totals["outside"])}
    return Compliance(table[BY_COUNTY], _outside_list(dataset, firms[state == "outside"], names),
                      overall)


def _outside_list(dataset: Dataset, firms: gpd.GeoDataFrame, names: dict) -> pd.DataFrame:
    """The outside enterprises with the nearest chemical park: to its outline where it has one,
    else to its point (to_outline False: the distance is as approximate as that point)."""
    parks = dataset.parks[(dataset.parks["kind"] == "chemical_park") & dataset.parks.geometry.notna()]
    shapes = outline_frame(dataset.parks[dataset.parks["kind"] == "chemical_park"])
    targets = pd.concat([gpd.GeoDataFrame({"park": shapes["id"], "to_outline": True},
                                          geometry=shapes.boundary, crs="EPSG:4326"),
                         gpd.GeoDataFrame({"park": parks["id"], "to_outline": False},
                                          geometry=parks.geometry, crs="EPSG:4326")])
    if firms.empty or targets.empty:
        return pd.DataFrame(columns=OUTSIDE)
    near = gpd.sjoin_nearest(firms.to_crs(METRIC_CRS)[["id", "name_zh", "county_adcode",
                                                       "geometry"]],
                             targets.to_crs(METRIC_CRS), distance_col="metres")
    near = near.sort_values(["metres", "to_outline"], ascending=[True, False]).drop_duplicates("id")
    return pd.DataFrame({"id": near["id"], "name_zh": near["name_zh"],
                         "county": near["county_adcode"].map(names).fillna(""),
                         "nearest_park": near["park"], "distance_km": (near["metres"] / 1000).round(2),
                         "to_outline": near["to_outline"]}).reset_index(drop=True)
