"""Chinese curated text for a store made before the bilingual columns, taken from data/.

Such a store renames its single English column to <field>_en and adds an empty <field>_zh; left
so, Chinese users would keep reading English until someone retyped every translation. So the
migration fills <field>_zh from data/ for each record whose English text is still data/'s.
"""

from __future__ import annotations

from pathlib import Path

from parks.model.dataset import read_table
from parks.model.schema import BILINGUAL, PARKS

Fill = tuple[str, str, str, str, str]  # table, Chinese column, its text, record id, English text


def bilingual_fills(data_dir: Path) -> list[Fill]:
    """Every Chinese text of data/'s bilingual columns, with the English it translates."""
    frame, problems = read_table(Path(data_dir) / PARKS.file, PARKS)
    if problems or "id" not in frame.columns:
        return []
    out: list[Fill] = []
    for field in BILINGUAL:
        zh, en = f"{field}_zh", f"{field}_en"
        if zh in frame.columns and en in frame.columns:
            rows = frame[frame[zh] != ""]
            out += [(PARKS.name, zh, text, rid, english)
                    for text, rid, english in zip(rows[zh], rows["id"], rows[en], strict=True)]
    return out
