"""四至 text: its clauses (东至经七路…) and how a feature name written in one matches OSM's names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.normalise import normalise

SIDES = ("东", "西", "南", "北")
OPPOSITE = {"东": "西", "西": "东", "南": "北", "北": "南"}
_VERB = r"(?:至|到|临|邻|靠|抵|起|止|接)"  # not 界: 北边界 is a name, not 北 + verb
# a clause starts at a side followed by a verb ("东至", "北靠", "西起") or "东：" / "东侧至"
_START = re.compile(rf"(?=[东西南北](?:侧|边|面)?(?:{_VERB}|[:：]))")
_LEAD = re.compile(rf"^([东西南北])(?:侧|边|面)?(?:{_VERB}|[:：])[:：]?\s*(.*)$")
_TRAIL = re.compile(r"^(.+?)以([东西南北])$")  # "淮河路以北": the park is north of 淮河路
_OFFSET = re.compile(r"(?:以)?([东西南北])(?:侧)?\s*(\d+(?:\.\d+)?)\s*(米|m|公里|千米|km)$")
_QUALIFIER = re.compile(r"(?:道路)?(?:规划)?(?:中心线|红线|边线|外边线|边界线|一线|沿线|"
                        r"[东西南北](?:侧|边|沿)|以[东西南北]|外侧|内侧)$")
_SPLIT = re.compile(r"[，,；;。\n]+")
_JOIN = re.compile(r"[、及与/]")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_REF = re.compile(r"(?:(国道|省道|县道)\s*([GSX]?)\s*(\d{1,4})|([GSX])\s*(\d{1,4})"
                  r"|(\d{1,4})\s*(国道|省道|县道))")
_REF_LETTER = {"国道": "G", "省道": "S", "县道": "X"}
# Suffixes naming the kind of feature, longest first within a kind; the stem is what is left.
KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("rail", ("高速铁路", "城际铁路", "客运专线", "铁路", "高铁", "客专", "铁")),
    ("road", ("高速公路", "快速路", "一级公路", "公路", "高速", "国道", "省道", "县道", "大道",
              "大街", "街", "路", "道", "线")),
    ("water", ("总干渠", "干渠", "运河", "河道", "河", "渠", "沟", "溪", "江")),
)
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


@dataclass(frozen=True)
class Clause:
    """One clause of a 四至: the side of the park it bounds and the features named for it."""

    side: str  # 东/西/南/北: the park's side this feature bounds
    targets: tuple[str, ...]  # feature names as written, qualifiers removed (several: a stepped side)
    qualifier: str  # what was removed: 南侧, 中心线, 以东1500米… ("" when none)
    offset_m: tuple[float, float]  # "以东1500米": the bound lies this far (east, north) of the feature
    text: str  # the clause as written


@dataclass(frozen=True)
class Sizhi:
    """A parsed 四至: its clauses and what could not be read (several problems at once)."""

    clauses: tuple[Clause, ...]
    problems: tuple[str, ...]

    def side(self, side: str) -> Clause | None:
        """The clause for one side, or None."""
        return next((c for c in self.clauses if c.side == side), None)


def _number(text: str) -> str:
    """Chinese numerals to digits (七 → 7, 十二 → 12, 二十 → 20), so 经七路 matches 经7路."""
    def convert(match: re.Match) -> str:
        s = match.group(0)
        if "十" not in s:
            return "".join(str(_DIGITS[c]) for c in s)
        tens, _, ones = s.partition("十")
        return str((_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0))
    return re.sub(r"[一二三四五六七八九十]+", convert, text)


def _offset(direction: str, metres: float) -> tuple[float, float]:
    return {"东": (metres, 0.0), "西": (-metres, 0.0), "北": (0.0, metres), "南": (0.0, -metres)}[direction]


def _target(text: str) -> tuple[tuple[str, ...], str, tuple[float, float]]:
    """The names in a clause's object, what qualifies them, and an offset ("以东1500米")."""
    text = _BRACKETS.sub("", text).strip()
    qualifiers, offset = [], (0.0, 0.0)
    while True:
        if m := _OFFSET.search(text):
            scale = 1000.0 if m.group(3) in ("公里", "千米", "km") else 1.0
            offset = _offset(m.group(1), float(m.group(2)) * scale)
        elif not (m := _QUALIFIER.search(text)) or m.start() == 0:
            break
        qualifiers.insert(0, m.group(0))
        text = text[:m.start()].strip()
    names = tuple(n for part in _JOIN.split(text) for n in _and(part.strip()) if n)
    return names, "".join(qualifiers), offset


def _and(text: str) -> list[str]:
    """"日东高速和万福街道" is two features, "和谐路" one: split at 和 after a kind's suffix only."""
    left, sep, right = text.partition("和")
    if sep and len(right) >= 2 and name_key(left).kind:
        return [left, *_and(right)]
    return [text]


def _clause(fragment: str) -> Clause | None:
    if m := _LEAD.match(fragment):
        side, rest = m.group(1), m.group(2)
    elif m := _TRAIL.match(fragment):  # "X以南": X bounds the park's north side
        side, rest = OPPOSITE[m.group(2)], m.group(1)
    else:
        return None
    names, qualifier, offset = _target(rest)
    return Clause(side, names, qualifier, offset, fragment) if names else None


def parse_sizhi(text: str) -> Sizhi:
    """The clauses of a 四至 text; problems name what is missing, doubled or unreadable."""
    fragments = [f.strip() for part in _SPLIT.split(text or "") for f in _START.split(part)]
    fragments = [f for f in fragments if f]
    clauses, problems = [], []
    for fragment in fragments:
        clause = _clause(fragment)
        if clause is None:
            problems.append(f"「{fragment}」 is not a 四至 clause (东至…/…以北)")
        elif any(c.side == clause.side for c in clauses):
            problems.append(f"{clause.side} is given twice (「{clause.text}」): a conditional or "
                            f"stepped boundary; draw that side by hand")
        else:
            clauses.append(clause)
    missing = [s for s in SIDES if not any(c.side == s for c in clauses)]
    if not fragments:
        problems.append("no 四至 text")
    elif missing:
        problems.append(f"no clause for {'、'.join(missing)}")
    return Sizhi(tuple(clauses), tuple(problems))


@dataclass(frozen=True)
class NameKey:
    """A feature name made comparable: the whole, its stem, its kind and a road number."""

    whole: str
    stem: str
    kind: str  # rail, road, water or "" (the suffix says nothing)
    ref: str  # G106, S337… or ""


def name_key(name: str) -> NameKey:
    """normalise → numerals as digits → the kind's suffix split off (鲁南高铁 → 鲁南, rail)."""
    whole = _number(normalise(name))
    ref = ""
    if m := _REF.search(whole):
        letter = (_REF_LETTER.get(m.group(1) or m.group(7) or "", "") or m.group(2)
                  or m.group(4) or "")
        ref = f"{letter.upper()}{m.group(3) or m.group(5) or m.group(6)}"
    for kind, suffixes in KINDS:
        for suffix in suffixes:
            if whole.endswith(suffix) and len(whole) > len(suffix):
                return NameKey(whole, whole[:-len(suffix)], kind, ref)
    return NameKey(whole, whole, "", ref)


def alternatives(osm_name: str) -> list[str]:
    """An OSM name and the names in its brackets or after a semicolon ("日兰高铁 (鲁南高铁)")."""
    inner = re.findall(r"[（(]([^）)]*)[）)]", osm_name)
    outer = _BRACKETS.sub("", osm_name)
    return [n.strip() for n in [*re.split(r"[;；/]", outer), *inner] if n.strip()]


def name_score(written: str, osm_name: str, osm_ref: str = "", osm_kind: str = "") -> float:
    """How surely the name written in a 四至 is this OSM feature (0 = not at all, 1 = same name).

    osm_kind is the layer's kind (rail, road, water): a written 路 is never a river and a 河
    never a road, though 洙水河 and 洙水路 share their stem."""
    key = name_key(written)
    if key.kind and osm_kind and key.kind != osm_kind:
        return 0.0
    if key.ref and key.ref in {name_key(r).ref or r.upper() for r in re.split(r"[;；,]", osm_ref)}:
        return 0.95
    return max((_pair_score(key, name_key(n)) for n in alternatives(osm_name)), default=0.0)


def _pair_score(key: NameKey, osm: NameKey) -> float:
    if not key.stem or not osm.stem:
        return 0.0
    if key.whole == osm.whole:
        return 1.0
    if key.kind and osm.kind and key.kind != osm.kind:
        return 0.0
    if key.stem == osm.stem:  # 大道 written as 路, 高铁 for 高速铁路: 0.9; 河 left out: 0.8
        return 0.9 if key.kind == osm.kind else 0.8
    short, long = sorted((key.stem, osm.stem), key=len)
    if len(short) >= 2 and long[:-1] == short and long[-1] in "东西南北中":
        return 0.7  # 长江路 / 长江东路: often one road's segments, not surely
    return 0.0
