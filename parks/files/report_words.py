"""The import report's words in both languages: how a row was located, why not, its problems."""

from __future__ import annotations

from geo.geocode import GeocodeResult
from geo.labels import Label
from parks.errors import Problem
from parks.model.schema import field_label

# Why an address found no place, for a planner reading Chinese (geo's messages are English).
_NOT_LOCATED = {"not_in_region": "地址不在本地区", "ambiguous": "地址中的地名在多个县区都有，请写明县区",
                "unparseable": "地址中找不到本地区的县区或乡镇名（请用中文写明地址）"}
NO_ADDRESS = Label("没有地址或坐标：计入表格，不在地图上标注",
                   "no address or coordinates: counted in tables, not drawn on the map")


def not_located(found: GeocodeResult) -> Label:
    """Why an address found no place, in both languages."""
    return Label(_NOT_LOCATED.get(found.status, "地址无法定位"), f"{found.status}: {found.message}")


def geocoded(found: GeocodeResult) -> Label:
    """How an address was located, in both languages, with its functional area if any."""
    by = "离线地名库" if found.provider == "offline" else found.provider
    matched = found.matched or found.town or found.county
    area = found.functional_area
    zh = f"按地址定位（{by}，匹配「{matched}」，可信度 {found.confidence}" + (
        f"，功能区 {area}）" if area else "）")
    return Label(zh, f"geocoded ({found.provider}) from the address ({found.matched or found.message}"
                     f", confidence {found.confidence}"
                     + (f", functional area {area})" if area else ")"))


def messages(problems: list[Problem], note: Label | str) -> tuple[str, str]:
    """A report line's message in English and in Chinese (English where no Chinese is written)."""
    if not problems:
        return (note.en, note.zh) if isinstance(note, Label) else (note, note)
    return tuple(sep.join(f"{_field(p.field, lang)}{colon}{reason(p)}"
                          + (f" ({p.value[:40]})" if p.value else "") for p in problems)
                 for lang, sep, colon, reason in (("en", "; ", ": ", lambda p: p.reason),
                                                  ("zh", "；", "：", lambda p: p.reason_zh or p.reason)))


def _field(name: str, lang: str) -> str:
    """A report's field by its label in `lang`; a name outside the schema (a file) as is."""
    if lang == "en" or not name:
        return name
    try:
        return field_label(name, lang)
    except KeyError:
        return "地址" if name == "address" else name
