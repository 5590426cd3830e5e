"""Derive data/towns.csv and data/county_seats.csv from the collected reference rows (one-off)."""

# Kept for provenance: it documents how the two gazetteer files were built. It reads the
# reference folder handed to the team (../shared/reference), which a fresh clone does not have,
# so it is not part of set-up; the committed CSVs are the baseline.
from __future__ import annotations

import csv
import sys
from pathlib import Path

REF = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference")
OUT = Path(__file__).resolve().parent.parent / "data"
VONNG = "Vonng/adcode data/adcode/{code}.csv (commit b755d6e4; 2016-07-31 stats-bureau codes; CC BY 4.0)"
EN_NAMES = {
    "371702": "Mudan District", "371703": "Dingtao District", "371721": "Cao County",
    "371722": "Shan County", "371723": "Chengwu County", "371724": "Juye County",
    "371725": "Yuncheng County", "371726": "Juancheng County", "371728": "Dongming County",
    "370811": "Rencheng District", "370812": "Yanzhou District", "370826": "Weishan County",
    "370827": "Yutai County", "370828": "Jinxiang County", "370829": "Jiaxiang County",
    "370830": "Wenshang County", "370831": "Sishui County", "370832": "Liangshan County",
    "370881": "Qufu City", "370883": "Zoucheng City",
}
TOWN_COLS = ["region_adcode", "county_adcode", "county", "unit_adcode", "unit", "town",
             "town_code_2016", "current", "lon", "lat", "crs", "source", "confidence", "note"]
SEAT_COLS = ["region_adcode", "adcode", "name_zh", "name_en", "lon", "lat", "crs", "source",
             "confidence", "note"]


def heze_towns() -> list[dict[str, str]]:
    """Heze's towns (current and 2016 units) from the reference CSV, as rows of data/towns.csv."""
    rows = []
    with (REF / "heze_towns.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            former = r["note"].startswith("2016 unit")
            has_point = bool(r["lon_gcj02"])
            rows.append({
                "region_adcode": "371700", "county_adcode": r["county_adcode"],
                "county": r["county"], "unit_adcode": r["current_unit_adcode"],
                "unit": r["current_unit"], "town": r["town"],
                "town_code_2016": r["town_code_2016"], "current": "no" if former else "yes",
                "lon": r["lon_gcj02"], "lat": r["lat_gcj02"], "crs": "GCJ02" if has_point else "",
                "source": VONNG.format(code=r["county_adcode"]) + "; names: jionlp 1.5.31 "
                "jionlp/dictionary/china_location.txt (Apache-2.0)",
                "confidence": r["confidence"], "note": r["note"],
            })
    return rows


def vonng_rows(folder: Path) -> list[list[str]]:
    """Every row of the Vonng/adcode CSVs in the folder, in file-name order."""
    rows = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8") as f:
            rows.extend(csv.reader(f))
    return rows


def jining() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Jining's towns and county seats from Vonng/adcode, as rows of towns.csv and county_seats.csv."""
    rows = vonng_rows(REF / "raw" / "Vonng-adcode-jining")
    counties = {r[5]: r[2] for r in rows if r[3] == "county"}
    towns, seats = [], []
    for r in rows:
        code, name, level, adcode, lon, lat = r[0], r[2], r[3], r[5], r[12], r[13]
        if level == "town":
            towns.append({
                "region_adcode": "370800", "county_adcode": adcode,
                "county": counties[adcode], "unit_adcode": adcode, "unit": counties[adcode],
                "town": name, "town_code_2016": code, "current": "unknown",
                "lon": lon, "lat": lat, "crs": "GCJ02" if lon else "",
                "source": VONNG.format(code=adcode), "confidence": "medium" if lon else "low",
                "note": "" if lon else "listed in 2016 source but without coordinate",
            })
        elif level == "county" and lon:
            seats.append({
                "region_adcode": "370800", "adcode": adcode, "name_zh": name,
                "name_en": EN_NAMES[adcode], "lon": lon, "lat": lat, "crs": "GCJ02",
                "source": VONNG.format(code=adcode) + " county row (amap district centre)",
                "confidence": "medium", "note": "",
            })
    return towns, seats


def heze_seats() -> list[dict[str, str]]:
    """Heze's nine county seats from the reference CSV, as rows of data/county_seats.csv."""
    seats = []
    with (REF / "heze_county_seats.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["adcode"] == "371700":
                continue
            seats.append({
                "region_adcode": "371700", "adcode": r["adcode"], "name_zh": r["name"],
                "name_en": EN_NAMES[r["adcode"]], "lon": r["seat_lon_gcj02"],
                "lat": r["seat_lat_gcj02"], "crs": "GCJ02",
                "source": "cpca 0.5.5 (PyPI, MIT) cpca/resources/adcodes.csv = amap district "
                "centre; same values in Vonng/adcode (CC BY 4.0)",
                "confidence": r["confidence"],
                "note": f"GeoNames {r['geonames_name']} lies {r['dist_amap_wgs84_to_geonames_m']} m"
                " away" if r["geonames_name"] else "no GeoNames point for this county",
            })
    return seats


def write(path: Path, cols: list[str], rows: list[dict[str, str]]) -> None:
    """Write rows as a UTF-8 CSV with these columns and LF line ends."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    j_towns, j_seats = jining()
    write(OUT / "towns.csv", TOWN_COLS, heze_towns() + j_towns)
    write(OUT / "county_seats.csv", SEAT_COLS, heze_seats() + j_seats)
