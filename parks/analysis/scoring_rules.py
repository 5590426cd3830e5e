"""The site ranking's rules in words: component names, weight help, the scoring and tie-breaking text."""

from __future__ import annotations

from collections.abc import Mapping

from geo.labels import Label
from parks.model.schema import field_column

COMPONENT_LABELS: Mapping[str, Label] = {
    "industry": field_column("industry").label, "compliance": Label("合规", "Compliance"),
    "area": field_column("area_km2").label, "logistics": Label("物流", "Logistics"),
    "county": field_column("county_adcode").label,
}
WEIGHT_HELP: Mapping[str, Label] = {
    "industry": Label("园区主导产业与所需产业的匹配度；园区标绘范围内已有同产业企业可加分。",
                      "How well the park's leading industries match; enterprises of the same "
                      "industry inside the park's outline add a bonus."),
    "compliance": Label("化工项目只能进入认定的化工园区；认定未核实的园区减分。",
                        "Chemical projects may only go to recognised chemical parks; parks whose "
                        "status is unverified score lower."),
    "area": Label("园区公布面积是否达到所需用地面积。",
                  "Whether the park's published area reaches the land needed."),
    "logistics": Label("园区到最近物流枢纽（含港口作业区）的直线距离。",
                       "Straight-line distance from the park to the nearest logistics hub or "
                       "port area."),
    "county": Label("园区是否位于偏好的县区。", "Whether the park lies in a preferred county."),
}
# How rows with the same total are ordered: what a planner would look at next.
TIE_RULE = Label(
    "同分时依次比较：产业分；园区标绘范围内同产业企业数（无标绘范围按 0 计）；非化工项目时非化工园区在前"
    "（化工园区用地留给化工项目）；合规分；园区级别（国家级、省级、市级、县级、未注明）；名称。",
    "Equal totals are ordered by: the industry score; enterprises of the industry inside the "
    "park's outline (0 without an outline); for a project that is not chemical, parks that are "
    "no chemical park first (chemical-park land is kept for chemical projects); the compliance "
    "score; the park's level (national, provincial, city, county, not stated); its name.")
PARTS_RULE = Label(
    "片区并入所属园区：每个园区一行，按园区本身计分，各片区的得分列在其说明中。",
    "A park's parts are folded into it: one row per park, scored as the park itself; "
    "each part's score is listed in its explanation.")
SCORING_RULES = Label(
    "总分 = 100 × Σ 权重ᵢ × 分项ᵢ ÷ Σ 权重（各分项 0–1，保留两位小数）；表中各分项按其在总分中的分数显示"
    "（权重 × 分项 × 100，与总分同为百分制，相加即总分，各自保留一位小数）。"
    "产业：主导产业含所需产业、其上级或下级细分 1.0；仅同属“231”体系同一产业 0.6；否则 0；"
    "园区（含片区）标绘范围内每家同一大类产业企业 +0.1，最多 +0.3，合计不超过 1.0"
    "（按范围判定，只算实测/标绘位置的企业；园区及其片区都无标绘范围时不统计、不加分）。"
    "合规：化工项目——认定化工园区（或标绘范围位于其范围内的园区，只看范围、不看位置点）1.0，认定未核实 0.5，"
    "其他园区 0 且不合格（排在所有合格园区之后）；"
    "非化工项目——1.0，园区状态未核实 0.5。"
    "面积：未设要求或面积 ≥ 要求 1.0；面积未公布 0.5；不足时 面积 ÷ 要求。"
    "物流：d = 到最近物流枢纽（含港口作业区）的直线距离（km，UTM 50N）；未设上限时 1/(1+d/20)；"
    "d ≤ 上限 X 时 1.0，超出时 max(0, 1 − (d − X)/X)；园区位置未知 0；"
    "园区与枢纽同取一个驻地位置（距离无从知道）0.5。"
    "县区：未设偏好或位于偏好县区 1.0，否则 0。按县城/乡镇驻地近似定位的距离均注明“近似”。"
    + PARTS_RULE.zh + TIE_RULE.zh,
    "Score = 100 × Σ weightᵢ × componentᵢ ÷ Σ weights (each component 0–1, two decimals); the "
    "table shows each component as its points of the total (weight × component × 100, on the "
    "same 0–100 scale: they add up to the score, each rounded to one decimal). "
    "Industry: leading industries include the industry, its parent or one of its sub-sectors "
    "1.0; only the same \"231\" industry 0.6; else 0; +0.1 per enterprise of the same "
    "top-level industry inside the park's outline (its parts included), at most +0.3, total at "
    "most 1.0 (decided by outlines, from surveyed or digitised enterprise points only; not "
    "counted and no bonus while neither the park nor any of its parts has an outline). "
    "Compliance: chemical project — recognised chemical park (or a park whose outline lies "
    "within one: outlines only, never a point) 1.0, recognition unverified "
    "0.5, any other park 0 and not eligible (ranked after every eligible park); other "
    "projects — 1.0, park status unverified 0.5. Area: no minimum or area ≥ minimum 1.0; "
    "area not published 0.5; smaller: area ÷ minimum. Logistics: d = straight-line distance "
    "to the nearest logistics hub or port area (km, UTM 50N); no limit: 1/(1+d/20); "
    "d ≤ limit X: 1.0; beyond: max(0, 1 − (d − X)/X); park location unknown: 0; park "
    "and hub placed at the same seat (distance unknown): 0.5. County: "
    "no preference or in a preferred county 1.0, else 0. Distances from a county or town "
    "seat are marked approximate. " + PARTS_RULE.en + " " + TIE_RULE.en,
)
