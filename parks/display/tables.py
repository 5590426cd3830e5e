"""Record frames turned into readable tables (labels instead of codes, precision spelled out)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from geo.labels import Label
from parks.analysis.membership import Memberships
from parks.analysis.query import record_codes
from parks.analysis.stats import FUNCTIONAL_AREA
from parks.display.popups import INDUSTRIES, industry_text
from parks.model.industries import Taxonomy
from parks.model.schema import SPECS, field_heading, field_label
from parks.model.vocab import KIND, LEVEL, PRECISION, STAGE

NAME = Label("名称", "Name")  # name_en in English where there is one, else name_zh
IN_PARK = Label("所在园区", "In park")  # by outline: derived, never typed (park_id is typed)
UNDECIDED = Label("待定（仅知乡镇/县）", "undecidable (town/county only)")
INSIDE = {"enterprises": Label("范围内企业", "Enterprises inside"),
          "projects": Label("范围内项目", "Projects inside")}
NO_OUTLINE = "—"


def _name(frame: pd.DataFrame, lang: str) -> pd.Series:
    if lang == "en" and "name_en" in frame.columns:
        return frame["name_en"].where(frame["name_en"] != "", frame["name_zh"])
    return frame["name_zh"]


def _industries(frame: pd.DataFrame, taxonomy: Taxonomy, lang: str) -> pd.Series:
    labels = record_codes(frame).map(lambda cs: industry_text(cs, taxonomy, lang))
    if "industries_text" in frame.columns:
        labels = labels.where(labels != "", frame["industries_text"])
    return labels


def in_park(frame: pd.DataFrame, layer: str, inside: Memberships, park_names: dict[str, str],
            lang: str) -> pd.Series:
    """Each record's innermost park by outline: its name, "" outside every outline, UNDECIDED
    when it is known only to its town or county (never counted as inside)."""
    found = inside.status(layer, frame["id"])
    names = found["park_id"].map(lambda p: park_names.get(p, p))
    return names.where(found["status"] != "undecidable", UNDECIDED.get(lang))


def member_counts(frame: pd.DataFrame, inside: Memberships, lang: str) -> pd.DataFrame:
    """Per park: the enterprises and projects inside its outline (its 片区' included), as text:
    NO_OUTLINE for a park without one (nothing can be said, not zero)."""
    counts = inside.parks.reindex(frame["id"])
    drawn = (counts["outlined"] == True).to_numpy()  # noqa: E712 (NaN: a park not counted)
    return pd.DataFrame({label.get(lang): [str(int(n)) if d else NO_OUTLINE
                                           for n, d in zip(counts[layer], drawn, strict=True)]
                         for layer, label in INSIDE.items()}, index=frame.index)


def _with_members(out: pd.DataFrame, frame: pd.DataFrame, table: str, lang: str,
                  park_names: dict[str, str], inside: Memberships) -> pd.DataFrame:
    """The membership columns put before the county: counts for parks, the park for records."""
    extra = (member_counts(frame, inside, lang) if table == "parks" else
             in_park(frame, table, inside, park_names, lang).rename(IN_PARK.get(lang)).to_frame())
    at = out.columns.get_loc(field_heading("county_adcode", lang))
    return pd.concat([out.iloc[:, :at], extra, out.iloc[:, at:]], axis=1)


def display_table(frame: pd.DataFrame, table: str, taxonomy: Taxonomy, lang: str,
                  park_names: dict[str, str] | None = None,
                  inside: Memberships | None = None) -> pd.DataFrame:
    """A readable table of `frame` (parks, enterprises or projects); same rows, same order.
    With `inside`, who is inside which park by outline (IN_PARK, or counts per park)."""
    out = pd.DataFrame(index=frame.index)
    out[field_heading("id", lang)] = frame["id"]
    out[NAME.get(lang)] = _name(frame, lang)
    if table == "parks":
        out[field_heading("kind", lang)] = frame["kind"].map(lambda k: KIND.label(k, lang))
        out[field_heading("level", lang)] = frame["level"].map(lambda v: LEVEL.label(v, lang))
    if table == "enterprises":
        out[field_heading("full_name", lang)] = frame["full_name"]
    if table == "projects":
        out[field_heading("stage", lang)] = frame["stage"].map(lambda s: STAGE.label(s, lang))
        out[field_heading("investment_yi", lang)] = frame["investment_yi"]
    out[INDUSTRIES.get(lang)] = _industries(frame, taxonomy, lang)
    if table == "parks":
        out[field_heading("area_km2", lang)] = frame["area_km2"]
    if "park_id" in frame.columns and park_names is not None:
        out[field_heading("park_id", lang)] = frame["park_id"].map(park_names).fillna("")
    county = "county_en" if lang == "en" and "county_en" in frame.columns else "county"
    out[field_heading("county_adcode", lang)] = frame[county]
    out[field_heading("town", lang)] = frame["town"]
    out[field_heading("precision", lang)] = frame["precision"].map(lambda p: PRECISION.label(p, lang))
    out[field_heading("confidence", lang)] = frame["confidence"]
    out[field_heading("source", lang)] = frame["source"]
    out[field_heading("as_of", lang)] = frame["as_of"]
    if inside is not None:
        out = _with_members(out, frame, table, lang, park_names or {}, inside)
    # categoricals as text: Streamlit's table shows an empty category as "None"
    coded = [c for c in out.columns if isinstance(out[c].dtype, pd.CategoricalDtype)]
    return out.astype(dict.fromkeys(coded, "str")).reset_index(drop=True)


def count_headings(tables: Iterable[str], lang: str) -> dict[str, str]:
    """Headings of a count table in `lang`: each record table by its name, and the columns it
    groups by (source, functional area)."""
    return {**{name: SPECS[name].label.get(lang) for name in tables},
            "source": field_label("source", lang), "functional_area": FUNCTIONAL_AREA.get(lang)}
