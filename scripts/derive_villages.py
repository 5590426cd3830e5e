"""Derive data/villages.csv from the Vonng/adcode rows in the reference folder (one-off)."""

# Kept for provenance, like derive_gazetteer.py: it needs ../shared/reference, which a fresh
# clone does not have; the committed CSV is the baseline.
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

REF = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference")
DATA = Path(__file__).resolve().parent.parent / "data"
SOURCE = "Vonng/adcode {code}.csv (CC BY 4.0)"  # full citation in data/README.md
COLS = ["region_adcode", "county_adcode", "town", "village", "village_code_2016", "lon", "lat",
        "crs", "source"]
_SUFFIX = re.compile(r"(村民委员会|村委会|社区居民委员会|社区居委会|居民委员会|居委会)$")


def clean(name: str) -> str:
    """黄庄村村委会 → 黄庄村, 和平社区居委会 → 和平社区, 航运新村居委会 → 航运新村."""
    match = _SUFFIX.search(name)
    if not match:
        return name
    stem = name[: match.start()]
    suffix = match.group(1)
    if suffix.startswith("村") and not stem.endswith("村"):
        return stem + "村"
    if suffix.startswith("社区") and not stem.endswith("社区"):
        return stem + "社区"
    return stem


def town_names() -> dict[str, tuple[str, str]]:
    """2016 town code → (county adcode, current town name); current units win over former."""
    names: dict[str, tuple[str, str]] = {}
    with (DATA / "towns.csv").open(encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: r["current"] == "yes")
    for row in rows:  # current rows come last and overwrite their former namesakes
        if row["town_code_2016"]:
            names[row["town_code_2016"]] = (row["county_adcode"], row["town"])
    return names


def villages(folder: Path, region: str, towns: dict[str, tuple[str, str]]) -> list[dict]:
    """The villages under the given towns, as rows of the villages CSV (GCJ-02 points where known)."""
    out = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8") as f:
            for r in csv.reader(f):
                if r[3] != "village" or r[1] not in towns:
                    continue
                county, town = towns[r[1]]
                out.append({"region_adcode": region, "county_adcode": county, "town": town,
                            "village": clean(r[2]), "village_code_2016": r[0], "lon": r[12],
                            "lat": r[13], "crs": "GCJ02" if r[12] else "",
                            "source": SOURCE.format(code=r[5])})
    return out


if __name__ == "__main__":
    towns = town_names()
    rows = (villages(REF / "raw" / "Vonng-adcode", "371700", towns)
            + villages(REF / "raw" / "Vonng-adcode-jining", "370800", towns))
    with (DATA / "villages.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(len(rows), "villages")
