"""Mapping spreadsheet headers (Chinese or English) to record fields, with a confidence each."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from parks.schema import TableSpec

# Header spellings seen in planners' sheets, by field; the field name itself always counts.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "id", "ID", "记录编号", "代码"),
    "name_zh": ("名称", "企业名称", "单位名称", "园区名称", "项目名称", "企业", "公司名称", "name",
                "中文名称", "名字"),
    "full_name": ("全称", "企业全称", "注册名称", "统一社会信用代码名称", "fullname"),
    "name_en": ("英文名称", "英文名", "englishname", "name(en)"),
    "address": ("地址", "注册地址", "详细地址", "经营地址", "住所", "address", "location", "所在地",
                "企业地址", "项目地址", "地点"),
    "county_adcode": ("县区代码", "行政区划代码", "区划代码", "adcode", "countycode"),
    "town": ("乡镇", "乡镇街道", "镇街", "乡镇/街道", "街道", "town", "township"),
    "industry": ("产业", "行业", "所属产业", "产业类别", "industry", "sector", "战略性新兴产业"),
    "subsector": ("细分领域", "细分产业", "子行业", "subsector", "产业细分"),
    "industries": ("主导产业", "主导产业代码", "leadingindustries", "industries"),
    "kind": ("类型", "园区类型", "kind", "type"),
    "level": ("级别", "层级", "level"),
    "park_id": ("园区编号", "所在园区编号", "parkid"),
    "enterprise_id": ("企业编号", "enterpriseid"),
    "stage": ("阶段", "项目阶段", "进度", "stage", "四个一批"),
    "stage_text": ("进展", "进展情况", "进度说明", "stagetext"),
    "investment_yi": ("投资", "总投资", "投资额", "总投资(亿元)", "投资(亿元)", "investment",
                      "投资亿元"),
    "capacity_text": ("规模", "建设规模", "产能", "capacity"),
    "year": ("年份", "年度", "year"),
    "area_km2": ("面积", "面积(km2)", "面积(平方公里)", "规划面积", "area", "areakm2"),
    "sizhi": ("四至", "四至范围", "bounds"),
    "lon": ("经度", "lon", "lng", "longitude", "x"),
    "lat": ("纬度", "lat", "latitude", "y"),
    "crs": ("坐标系", "crs", "datum", "坐标系统"),
    "precision": ("定位精度", "精度", "precision"),
    "source": ("来源", "数据来源", "出处", "source"),
    "as_of": ("日期", "数据日期", "截至日期", "asof", "date", "时间"),
    "confidence": ("可信度", "置信度", "confidence"),
    "note": ("备注", "说明", "note", "notes", "remark"),
}
_STRIP = re.compile(r"[\s_\-:：（）()/\\]+")


def _key(header: str) -> str:
    return _STRIP.sub("", header).casefold()


@dataclass(frozen=True)
class HeaderMatch:
    header: str
    field: str  # '' when the column is not imported
    score: float  # 1.0 exact, < 1 a guess the user should confirm

    @property
    def sure(self) -> bool:
        return self.score >= 1.0 or not self.field


def _candidates(spec: TableSpec) -> dict[str, str]:
    """Normalised spelling → field, for the fields of this table (plus 'address')."""
    fields = [*spec.names, "address"]
    out = {}
    for field in fields:
        for spelling in (field, *SYNONYMS.get(field, ())):
            out.setdefault(_key(spelling), field)
    return out


def match_headers(headers: list[str], spec: TableSpec) -> list[HeaderMatch]:
    """One match per header: exact synonyms are sure; close spellings are guesses to confirm;
    a field is taken by at most one header (the first, best one)."""
    known = _candidates(spec)
    matches, taken = [], set()
    for header in headers:
        key = _key(header)
        field, score = known.get(key, ""), 1.0
        if not field:
            close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
            contained = [k for k in known if len(k) >= 2 and (k in key or key in k)]
            guess = close[0] if close else (max(contained, key=len) if contained else "")
            field, score = known.get(guess, ""), 0.6 if guess else 0.0
        if field in taken:
            field, score = "", 0.0
        taken.add(field)
        matches.append(HeaderMatch(header, field, score if field else 0.0))
    return matches
