"""Record frames turned into readable tables (labels instead of codes, precision spelled out)."""

from __future__ import annotations

import pandas as pd

from parks.analysis.query import record_codes
from parks.display.popups import industry_text
from parks.model.industries import Taxonomy
from parks.model.vocab import KIND, LEVEL, PRECISION, STAGE

_HEADERS = {
    "id": ("编号", "ID"), "name": ("名称", "Name"), "kind": ("类型", "Kind"),
    "level": ("级别", "Level"), "industries": ("产业", "Industries"), "county": ("县区", "County"),
    "town": ("乡镇/街道", "Town"), "area_km2": ("面积(km²)", "Area (km²)"),
    "precision": ("定位精度", "Precision"), "source": ("来源", "Source"),
    "as_of": ("数据日期", "As of"), "stage": ("阶段", "Stage"),
    "investment_yi": ("投资(亿元)", "Investment (100M yuan)"), "park": ("园区", "Park"),
    "full_name": ("全称", "Full name"), "confidence": ("可信度", "Confidence"),
}


def _h(key: str, lang: str) -> str:
    zh, en = _HEADERS[key]
    return en if lang == "en" else zh


def _name(frame: pd.DataFrame, lang: str) -> pd.Series:
    if lang == "en" and "name_en" in frame.columns:
        return frame["name_en"].where(frame["name_en"] != "", frame["name_zh"])
    return frame["name_zh"]


def _industries(frame: pd.DataFrame, taxonomy: Taxonomy, lang: str) -> pd.Series:
    labels = record_codes(frame).map(lambda cs: industry_text(cs, taxonomy, lang))
    if "industries_text" in frame.columns:
        labels = labels.where(labels != "", frame["industries_text"])
    return labels


def display_table(frame: pd.DataFrame, table: str, taxonomy: Taxonomy, lang: str,
                  park_names: dict[str, str] | None = None) -> pd.DataFrame:
    """A readable table of `frame` (parks, enterprises or projects); same rows, same order."""
    out = pd.DataFrame(index=frame.index)
    out[_h("id", lang)] = frame["id"]
    out[_h("name", lang)] = _name(frame, lang)
    if table == "parks":
        out[_h("kind", lang)] = frame["kind"].map(lambda k: KIND.label(k, lang))
        out[_h("level", lang)] = frame["level"].map(lambda v: LEVEL.label(v, lang))
    if table == "enterprises":
        out[_h("full_name", lang)] = frame["full_name"]
    if table == "projects":
        out[_h("stage", lang)] = frame["stage"].map(lambda s: STAGE.label(s, lang))
        out[_h("investment_yi", lang)] = frame["investment_yi"]
    out[_h("industries", lang)] = _industries(frame, taxonomy, lang)
    if table == "parks":
        out[_h("area_km2", lang)] = frame["area_km2"]
    if "park_id" in frame.columns and park_names is not None:
        out[_h("park", lang)] = frame["park_id"].map(park_names).fillna("")
    county = "county_en" if lang == "en" and "county_en" in frame.columns else "county"
    out[_h("county", lang)] = frame[county]
    out[_h("town", lang)] = frame["town"]
    out[_h("precision", lang)] = frame["precision"].map(lambda p: PRECISION.label(p, lang))
    out[_h("confidence", lang)] = frame["confidence"]
    out[_h("source", lang)] = frame["source"]
    out[_h("as_of", lang)] = frame["as_of"]
    return out.reset_index(drop=True)
