"""Tests for parks.model.synthetic: deterministic, clearly fake enterprises that load like real ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.boundaries import load_counties
from geo.gazetteer import load_gazetteer
from geo.reverse import assign_counties, county_index
from parks.config import DEFAULT_CONFIG
from parks.errors import DataValidationError
from parks.model.dataset import load_dataset
from parks.model.industries import load_taxonomy
from parks.model.schema import ENTERPRISES
from parks.model.synthetic import (
    DEFAULT_SHARES,
    NAME_PREFIX,
    industry_mix,
    precision_counts,
    synthetic_enterprises,
    write_synthetic_data,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
N = 1500
REAL = pd.read_csv(DATA / ENTERPRISES.file, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def frame(cache_dir: Path) -> pd.DataFrame:
    return synthetic_enterprises(N, seed=7, cache_dir=cache_dir)


def test_same_seed_same_frame_other_seed_other_frame(frame, cache_dir):
    again = synthetic_enterprises(N, seed=7, cache_dir=cache_dir)
    pd.testing.assert_frame_equal(frame, again)
    other = synthetic_enterprises(N, seed=8, cache_dir=cache_dir)
    assert not other["id"].isin(frame["id"]).any()  # the seed is part of the id
    mine, theirs = frame[frame["lon"] != ""], other[other["lon"] != ""]
    assert set(zip(mine["lon"], mine["lat"], strict=True)).isdisjoint(
        zip(theirs["lon"], theirs["lat"], strict=True))
    assert not frame["precision"].equals(other["precision"])


def test_n_rows_of_enterprise_columns_with_unique_fake_ids_and_names(frame):
    assert len(frame) == N
    assert list(frame.columns) == list(ENTERPRISES.names)
    assert frame["id"].is_unique and frame["name_zh"].is_unique
    assert frame["id"].str.startswith(ENTERPRISES.id_prefix).all()
    assert not frame["id"].isin(REAL["id"]).any()
    assert frame["name_zh"].str.startswith(NAME_PREFIX).all()
    assert not frame["name_zh"].isin(REAL["name_zh"]).any()
    assert not REAL["name_zh"].str.startswith(NAME_PREFIX).any()  # the prefix never names a real firm
    assert (frame["region_adcode"] == "371700").all()
    assert frame.map(lambda v: isinstance(v, str)).all().all()  # a text frame, "" for empty
    assert synthetic_enterprises(0).shape == (0, len(ENTERPRISES.names))


def test_negative_n_or_seed_is_refused():
    with pytest.raises(ValueError, match="n=-1"):
        synthetic_enterprises(-1)
    with pytest.raises(ValueError, match="seed=-2"):
        synthetic_enterprises(5, seed=-2)


def test_precision_counts_are_exact_and_sum_to_n():
    assert precision_counts(7, DEFAULT_SHARES) == {"surveyed": 6, "town": 1, "county": 0}
    assert precision_counts(100, DEFAULT_SHARES) == {"surveyed": 80, "town": 15, "county": 5}
    assert precision_counts(3, {"surveyed": 1 / 3, "town": 1 / 3, "county": 1 / 3}) == {
        "surveyed": 1, "town": 1, "county": 1}
    assert precision_counts(0, DEFAULT_SHARES) == {"surveyed": 0, "town": 0, "county": 0}
    for n in (1, 2, 13, 999, 1001):
        counts = precision_counts(n, DEFAULT_SHARES)
        assert sum(counts.values()) == n
        assert all(abs(c - n * DEFAULT_SHARES[p]) < 1 for p, c in counts.items())


@pytest.mark.parametrize(("shares", "problem"), [
    ({"surveyed": 0.5, "town": 0.4}, "sum to 1"),
    ({"surveyed": 1.2, "town": -0.2}, "non-negative"),
    ({"surveyed": 0.5, "digitised_by_hand": 0.5}, "digitised_by_hand"),
])
def test_invalid_shares_raise_naming_the_problem(shares, problem):
    with pytest.raises(ValueError, match="precision shares") as info:
        precision_counts(10, shares)
    assert problem in str(info.value)


def test_frame_precisions_follow_the_counts(frame, cache_dir):
    assert frame["precision"].value_counts().to_dict() == {
        p: c for p, c in precision_counts(N, DEFAULT_SHARES).items() if c}
    shares = {"surveyed": 0.5, "unlocated": 0.5}
    mixed = synthetic_enterprises(10, seed=3, cache_dir=cache_dir, shares=shares)
    assert mixed["precision"].value_counts().to_dict() == {"surveyed": 5, "unlocated": 5}
    lost = mixed[mixed["precision"] == "unlocated"]
    assert (lost[["lon", "lat", "crs", "county_adcode", "town"]] == "").all().all()
    with pytest.raises(ValueError, match="sum to 1"):
        synthetic_enterprises(10, cache_dir=cache_dir, shares={"surveyed": 0.9})


def test_surveyed_points_lie_in_the_county_they_name(frame, cache_dir):
    surveyed = frame[frame["precision"] == "surveyed"]
    assert len(surveyed) == precision_counts(N, DEFAULT_SHARES)["surveyed"]
    assert (surveyed["crs"] == "WGS84").all()
    assert surveyed["lon"].str.fullmatch(r"1\d\d\.\d{6}").all()
    assert surveyed["lat"].str.fullmatch(r"\d\d\.\d{6}").all()
    counties = load_counties("371700", source=DEFAULT_CONFIG.boundary_source, cache_dir=cache_dir)
    found = assign_counties(surveyed["lon"].astype(float).to_numpy(),
                            surveyed["lat"].astype(float).to_numpy(), county_index(counties))
    assert (found != "").all()
    assert (found == surveyed["county_adcode"].to_numpy()).all()
    assert set(found) == set(counties["adcode"])  # uniform over the city: every county gets some
    assert (surveyed["town"] == "").all()


def test_town_and_county_records_name_real_places_without_a_point(frame, cache_dir):
    gaz = load_gazetteer(DATA / "towns.csv", DATA / "county_seats.csv", "371700")
    towns = frame[frame["precision"] == "town"]
    assert len(towns) and (towns["town"] != "").all()
    missing = [(c, t) for c, t in zip(towns["county_adcode"], towns["town"], strict=True)
               if gaz.town_point(c, t) is None]
    assert missing == []
    seats = frame[frame["precision"] == "county"]
    counties = load_counties("371700", source=DEFAULT_CONFIG.boundary_source, cache_dir=cache_dir)
    assert len(seats) and seats["county_adcode"].isin(counties["adcode"]).all()
    assert (seats["town"] == "").all()
    approximate = frame[frame["precision"] != "surveyed"]
    assert (approximate[["lon", "lat", "crs"]] == "").all().all()  # placed by the gazetteer on load


def test_town_precision_without_towns_is_refused(data_copy, cache_dir):
    towns = pd.read_csv(data_copy / "towns.csv", dtype=str, keep_default_na=False)
    towns.assign(lon="", lat="").to_csv(data_copy / "towns.csv", index=False)
    with pytest.raises(ValueError, match="towns with a point"):
        synthetic_enterprises(20, data_dir=data_copy, cache_dir=cache_dir)
    only_surveyed = synthetic_enterprises(20, data_dir=data_copy, cache_dir=cache_dir,
                                          shares={"surveyed": 1.0})
    assert (only_surveyed["precision"] == "surveyed").all()


def test_industries_are_valid_codes_with_matching_parents(frame):
    taxonomy = load_taxonomy(DATA / "industries.csv")
    assert frame["industry"].isin(taxonomy.codes | {""}).all()
    assert frame.loc[frame["industry"] != "", "industry"].map(lambda c: taxonomy.get(c).parent == "").all()
    subs = frame[frame["subsector"] != ""]
    assert len(subs) and subs["subsector"].isin(taxonomy.codes).all()
    parents = subs["subsector"].map(lambda c: taxonomy.get(c).parent)
    assert (parents == subs["industry"]).all()
    # the mix follows the real register: the industries real firms have, in about their shares
    real = REAL["industry"][REAL["industry"].isin(taxonomy.codes | {""})]
    assert set(frame["industry"]) == set(real)
    drawn = frame["industry"].value_counts(normalize=True)
    wanted = real.value_counts(normalize=True)
    assert (drawn - wanted).abs().max() < 0.04  # ~4 standard deviations at n = 1500


def test_industry_mix_weights(data_copy):
    taxonomy = load_taxonomy(DATA / "industries.csv")
    mix = industry_mix(DATA, taxonomy)
    assert mix["weight"].sum() == pytest.approx(1.0)
    assert (mix["weight"] > 0).all()
    assert not mix.duplicated(["industry", "subsector"]).any()
    per_industry = mix.groupby("industry")["weight"].sum()
    real = REAL["industry"][REAL["industry"].isin(taxonomy.codes | {""})].value_counts(normalize=True)
    pd.testing.assert_series_equal(per_industry.sort_index(), real.sort_index(),
                                   check_names=False, check_index_type=False)
    for industry in set(mix["industry"]) - {""}:  # every sub-sector can be drawn, firms or not
        drawn = set(mix.loc[mix["industry"] == industry, "subsector"]) - {""}
        assert drawn == {s.code for s in taxonomy.subsectors(industry)}
    # without real enterprises: every top-level industry weighs the same
    pd.DataFrame(columns=list(ENTERPRISES.names)).to_csv(data_copy / ENTERPRISES.file, index=False)
    empty = industry_mix(data_copy, taxonomy).groupby("industry")["weight"].sum()
    tops = {i.code for i in taxonomy.industries if not i.parent}
    assert set(empty.index) == tops
    assert np.allclose(empty.to_numpy(), 1 / len(tops))


def test_written_folder_loads_with_real_and_synthetic_records(tmp_path, cache_dir):
    n = 400
    folder = write_synthetic_data(tmp_path / "syn", n, seed=2, cache_dir=cache_dir)
    assert folder == tmp_path / "syn"
    for name in ("parks.csv", "projects.csv", "towns.csv", "industries.csv", "county_seats.csv"):
        assert (folder / name).read_bytes() == (DATA / name).read_bytes()
    try:
        dataset = load_dataset("371700", data_dir=folder, cache_dir=cache_dir)
    except DataValidationError as error:
        pytest.fail(f"synthetic folder does not validate: {error.problems[:5]}")
    ents = dataset.enterprises
    assert len(ents) == len(REAL) + n
    assert ents["id"].iloc[: len(REAL)].tolist() == REAL["id"].tolist()  # real records first, unchanged
    fake = ents[ents["name_zh"].str.startswith(NAME_PREFIX)]
    assert len(fake) == n
    assert fake.geometry.notna().all()  # surveyed, town and county records all get a point
    assert fake["approximate"].sum() == n - precision_counts(n, DEFAULT_SHARES)["surveyed"]
    assert (fake["county"] != "").all()
    raw = (folder / ENTERPRISES.file).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw


def test_refuses_to_write_into_the_source_folder(data_copy, cache_dir):
    before = (data_copy / ENTERPRISES.file).read_bytes()
    for target in (data_copy, data_copy / "sub" / ".."):
        with pytest.raises(ValueError, match="refusing"):
            write_synthetic_data(target, 10, data_dir=data_copy, cache_dir=cache_dir)
    assert (data_copy / ENTERPRISES.file).read_bytes() == before
    assert not (data_copy / "sub").exists()


def test_cli_writes_a_data_folder(tmp_path, cache_dir):
    out = tmp_path / "cli"
    env = {**os.environ, "HEZE_CACHE_DIR": str(cache_dir), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "parks", "synthetic", "--n", "50", "--out", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    written = pd.read_csv(out / ENTERPRISES.file, dtype=str, keep_default_na=False)
    assert len(written) == len(REAL) + 50
    assert f"{len(REAL) + 50} rows (50 synthetic)" in done.stdout
    assert written["id"].tail(50).str.startswith("e-syn-0-").all()  # default seed 0
    pd.testing.assert_frame_equal(written.tail(50).reset_index(drop=True),
                                  synthetic_enterprises(50, seed=0, cache_dir=cache_dir))
