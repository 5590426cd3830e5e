"""统一社会信用代码 (unified social credit code, GB 32100-2015): its form and check character."""

from __future__ import annotations

import re
import unicodedata

from geo.labels import Label

# The 31 characters of the code: digits and capitals without I, O, Z, S, V (GB 32100-2015 4.2)
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_FORM = re.compile(f"^[{ALPHABET}]{{18}}$")


def cleaned(text: str) -> str:
    """The code as typed, in half-width capitals without spaces (a sheet may hold 'ｍａ…' or 'ma …')."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).upper()


def check_character(first17: str) -> str:
    """The 18th character for the first 17: 31 − (Σ value × weight mod 31), 31 → '0'."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(text: str) -> Label | None:
    """Why `text` is not a valid 统一社会信用代码 (in both languages), or None when it is one."""
    code = cleaned(text)
    if len(code) != 18:
        return Label(f"统一社会信用代码应为 18 位，这里是 {len(code)} 位",
                     f"a 统一社会信用代码 has 18 characters, this has {len(code)}")
    if not _FORM.match(code):
        wrong = " ".join(sorted({c for c in code if c not in ALPHABET}))
        return Label(f"统一社会信用代码只用 0-9 和除 I、O、S、V、Z 外的大写字母，不能有 {wrong}",
                     f"a 统一社会信用代码 uses 0-9 and A-Y without I, O, S, V, Z; not {wrong}")
    expected = check_character(code[:17])
    if code[17] != expected:
        return Label(f"校验位错误：第 18 位是 {code[17]}，按 GB 32100-2015 应为 {expected}（可能录错）",
                     f"wrong check character {code[17]}: GB 32100-2015 gives {expected} "
                     "(mistyped?)")
    return None


def looks_like_credit_codes(values: list[str]) -> bool:
    """True when most filled cells are 18-character codes with the right check character."""
    filled = [v for v in values if v.strip()]
    good = sum(1 for v in filled if credit_code_problem(v) is None)
    return bool(filled) and good >= 0.8 * len(filled)
