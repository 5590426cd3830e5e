"""Import templates: one XLSX per record table, with the schema's Chinese headers and one example row."""

from __future__ import annotations

import io

from geo.labels import Label
from parks.model.schema import SPECS, field_column
from parks.model.text_rules import max_chars

# Left out: ids are made from name and place, the city is the app's, outlines are drawn or read
# from a 界址点 file, and the precision follows from what the row gives.
LEFT_OUT = ("id", "region_adcode", "boundary", "precision")
EXAMPLE_NOTE = "示例行（虚构），导入前请删除"
LIMIT_NOTE = Label("最多 {n:,} 个字符", "At most {n:,} characters")  # each header's comment
# One clearly invented row per table, labels as a planner would type them (the import reads
# labels and codes alike); every value passes the import's checks.
EXAMPLES: dict[str, dict[str, str]] = {
    "parks": {"name_zh": "示例产业园（虚构）", "kind": "产业园", "level": "县级", "status": "规划",
              "county_adcode": "牡丹区", "industries": "新材料", "area_km2": "1.5",
              "source": "示例来源", "as_of": "2025-06", "confidence": "中", "note": EXAMPLE_NOTE},
    "enterprises": {"name_zh": "示例企业（虚构）", "full_name": "菏泽示例新材料有限公司（虚构）",
                    "credit_code": "91371702MA00000005", "industry": "新材料",
                    "county_adcode": "牡丹区", "address": "山东省菏泽市牡丹区示例路1号",
                    "source": "示例来源", "as_of": "2025-06", "confidence": "中",
                    "note": EXAMPLE_NOTE},
    "projects": {"name_zh": "示例项目（虚构）", "industry": "新材料", "stage": "储备",
                 "investment_yi": "1.5", "year": "2025", "county_adcode": "牡丹区",
                 "address": "山东省菏泽市牡丹区示例路1号", "source": "示例来源", "as_of": "2025-06",
                 "confidence": "中", "note": EXAMPLE_NOTE},
}


def template_fields(table: str) -> list[str]:
    """The template's columns: the table's fields a sheet can give, with an address (which the
    import geocodes) after the town where the table keeps none."""
    names = [n for n in SPECS[table].names if n not in LEFT_OUT]
    if "address" not in names:
        names.insert(names.index("town") + 1, "address")
    return names


def template_xlsx(table: str, lang: str = "zh") -> bytes:
    """An XLSX: a header row of field headings in `lang`, the example row, widths that fit."""
    import openpyxl  # imported here: only the template download needs it
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SPECS[table].label.get(lang)
    fields = template_fields(table)
    sheet.append([field_column(f).heading.get(lang) for f in fields])
    sheet.append([EXAMPLES[table].get(f, "") for f in fields])
    for field, cell in zip(fields, sheet[1], strict=True):
        cell.font = Font(bold=True)
        cell.comment = Comment(LIMIT_NOTE.get(lang).format(n=max_chars(field)), "Heze Park Map")
        sheet.column_dimensions[cell.column_letter].width = max(10, 2 * len(str(cell.value)) + 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
