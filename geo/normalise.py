"""Normalising Chinese address text: full width to half, traditional to simplified, no noise."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache
from pathlib import Path

import opencc

_TAGS = re.compile(r"<[^>]{0,200}>")
# kept: CJK, letters, digits and the few signs that carry meaning in an address
_NOISE = re.compile(r"[^\w#\-·]+")
# Variant characters of place names that OpenCC's table leaves alone (茍村集 = 苟村集,
# 冉堌 = 冉固); applied to the query and the gazetteer alike, so matching stays consistent.
# 闫 for 阎 is a homophone spelling of the same names (曹县阎店楼镇 is often written 闫店楼镇;
# tcmap.com.cn's record of 商丘 阎楼村, code 411403104202: "1997年后同音写作闫楼"), while 鄄城县's
# official 闫什镇 is often written 阎什镇: one character for both, on both sides of a match.
_VARIANTS = str.maketrans({"茍": "苟", "堌": "固", "邨": "村", "峯": "峰", "衚": "胡", "衕": "同",
                           "闫": "阎"})
_CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]")


@cache
def _t2s_table() -> dict[int, str]:
    """Traditional → simplified, character by character (OpenCC's TSCharacters table).

    Character-level is enough for place names and keeps normalising at microseconds per address.
    """
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        if len(trad) == 1 and simp:
            table[ord(trad)] = simp.split()[0]
    return table


@cache
def _simplify() -> tuple[dict[int, str], frozenset[str]]:
    """One table for both steps (traditional → simplified, then the variants) and the set of
    characters it changes: most addresses have none and skip the translation (it costs more
    than the rest of normalising)."""
    table = {k: v.translate(_VARIANTS) for k, v in _t2s_table().items()}
    for k, v in _VARIANTS.items():
        table.setdefault(k, v)
    table = {k: v for k, v in table.items() if v != chr(k)}
    return table, frozenset(map(chr, table))


def strip_markup(text: str) -> str:
    """Text without HTML tags and entities (an address pasted from a web page)."""
    return html.unescape(_TAGS.sub(" ", text))


def normalise(text: str) -> str:
    """Comparable form: NFKC (全角 → 半角), simplified characters, no spaces or punctuation."""
    if "<" in text or "&" in text:
        text = strip_markup(text)
    text = unicodedata.normalize("NFKC", text)
    table, changed = _simplify()
    if not changed.isdisjoint(text):
        text = text.translate(table)
    # isalnum is \w without "_": such text has nothing to remove
    return text if text.isalnum() else _NOISE.sub("", text).replace("_", "")


def has_cjk(text: str) -> bool:
    """True when the text has at least one CJK ideograph."""
    return bool(_CJK.search(text))
