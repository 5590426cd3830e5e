"""Tests for the settings: parks.config.SETTINGS/read_settings, the one environment reader, the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parks.__main__ import main
from parks.config import DATA_DIR, REPO, SETTINGS, Settings, SettingsError, read_settings

ROOT = Path(__file__).resolve().parent.parent
NOT_APP = {"tests", "bench", "scripts", ".venv", ".git", ".cache", "node_modules", "static"}

# one value per setting and where it shows in Settings (a new setting needs a line here)
VALUES = {
    "HEZE_DATA_DIR": ("/srv/share/data", lambda s: s.data_dir == Path("/srv/share/data")),
    "HEZE_STORE_PATH": ("/srv/store.gpkg", lambda s: s.store_location == "/srv/store.gpkg"),
    "DATABASE_URL": ("postgresql://u:pw@db/heze",
                     lambda s: s.store_location == "postgresql://u:pw@db/heze" and s.uses_postgis),
    "HEZE_EDITORS_FILE": ("/srv/editors.json", lambda s: s.editors_file == Path("/srv/editors.json")),
    "HEZE_CACHE_DIR": ("/tmp/c", lambda s: s.cache_dir == Path("/tmp/c")),
    "HEZE_BASEMAP": ("/srv/osm.pmtiles", lambda s: s.basemap_path == Path("/srv/osm.pmtiles")),
    "HEZE_NPM_REGISTRY": ("http://npm.local", lambda s: s.npm_registry == "http://npm.local"),
    "HEZE_TIANDITU_KEY": ("tk1", lambda s: s.services["tianditu_key"] == "tk1"),
    "HEZE_CUSTOM_TILE_URL": ("http://t/{z}/{x}/{y}.png",
                             lambda s: s.services["custom_tile_url"] == "http://t/{z}/{x}/{y}.png"),
    "HEZE_CUSTOM_TILE_ATTRIBUTION": ("局", lambda s: s.services["custom_tile_attribution"] == "局"),
    "HEZE_CUSTOM_TILE_CRS": ("gcj02", lambda s: s.services["custom_tile_crs"] == "GCJ02"),
    "HEZE_CUSTOM_TILE_SUBDOMAINS": ("123", lambda s: s.services["custom_tile_subdomains"] == "123"),
    "HEZE_GEOCODER": (" AMAP ", lambda s: s.services["geocoder"] == "amap"),
    "HEZE_AMAP_KEY": ("ak1", lambda s: s.services["amap_key"] == "ak1"),
    "HEZE_TIANDITU_GEOCODE_URL": ("https://p/tdt", lambda s: s.services["tianditu_geocode_url"] == "https://p/tdt"),
    "HEZE_AMAP_GEOCODE_URL": ("https://p/amap", lambda s: s.services["amap_geocode_url"] == "https://p/amap"),
    "HEZE_PUBLIC_URL": ("http://gis.local:8501/", lambda s: s.public_url == "http://gis.local:8501"),
}


def test_os_environ_is_read_in_one_module_only():
    readers = sorted(
        path.relative_to(ROOT).as_posix() for path in ROOT.rglob("*.py")
        if not NOT_APP & set(path.relative_to(ROOT).parts)
        and re.search(r"os\.environ|os\.getenv|environ\.get", path.read_text(encoding="utf-8")))
    assert readers == ["parks/config.py"]


def test_every_setting_has_help_and_a_unique_name():
    names = [s.name for s in SETTINGS]
    assert len(set(names)) == len(names) and set(names) == set(VALUES)
    assert all(s.help and (s.name.startswith("HEZE_") or s.name == "DATABASE_URL") for s in SETTINGS)


def test_defaults():
    settings = read_settings({})
    assert settings.data_dir == DATA_DIR
    assert settings.store_location == str(REPO / ".store" / "heze.gpkg") and not settings.uses_postgis
    assert settings.editors_file == REPO / ".store" / "editors.json"
    assert settings.cache_dir == REPO / ".cache" / "boundaries"
    assert settings.basemap_path == REPO / ".store" / "basemap.pmtiles"  # beside the working store
    assert settings.services["geocoder"] == "offline" and settings.services["amap_key"] == ""
    assert settings.services["custom_tile_crs"] == "WGS84"
    assert Settings().data_dir == settings.data_dir  # the dataclass defaults say the same


@pytest.mark.parametrize("name", list(VALUES))
def test_each_setting_is_read(name):
    value, shows = VALUES[name]
    assert shows(read_settings({name: value}))
    assert not shows(read_settings({}))


def test_blank_is_unset_and_relative_paths_stay_relative():
    assert read_settings({"HEZE_DATA_DIR": "  "}).data_dir == DATA_DIR
    assert read_settings({"HEZE_DATA_DIR": "shared/data"}).data_dir == Path("shared/data")


def test_database_url_wins_over_the_store_path():
    settings = read_settings({"HEZE_STORE_PATH": "/srv/s.gpkg", "DATABASE_URL": "postgres://db/h"})
    assert settings.store_location == "postgres://db/h"
    assert "postgres://" not in repr(settings)  # a DSN carries a password


def test_secrets_hold_the_service_keys_and_the_environment_wins():
    secrets = {"amap_key": "from-secrets", "tianditu_key": "tk", "data_dir": "/not/a/secret"}
    settings = read_settings({"HEZE_AMAP_KEY": "from-env"}, secrets)
    assert settings.services["amap_key"] == "from-env"
    assert settings.services["tianditu_key"] == "tk"
    assert settings.data_dir == DATA_DIR  # paths and the store come from the environment only
    assert "from-env" not in repr(settings)


def test_bad_values_are_listed_together():
    with pytest.raises(SettingsError) as caught:
        read_settings({"DATABASE_URL": "mysql://u:secret@db/x", "HEZE_GEOCODER": "baidu",
                       "HEZE_CUSTOM_TILE_CRS": "EPSG:3857", "HEZE_AMAP_GEOCODE_URL": "ftp://x",
                       "HEZE_NPM_REGISTRY": "npm.local"})
    problems = caught.value.problems
    assert len(problems) == 5
    for name in ("DATABASE_URL", "HEZE_GEOCODER", "HEZE_CUSTOM_TILE_CRS", "HEZE_AMAP_GEOCODE_URL",
                 "HEZE_NPM_REGISTRY"):
        assert sum(p.startswith(name) for p in problems) == 1
    assert "secret" not in str(caught.value)


def test_the_cli_checks_the_folder_heze_data_dir_names(data_copy, cache_dir, monkeypatch, capsys):
    (data_copy / "projects.csv").unlink()
    monkeypatch.setenv("HEZE_DATA_DIR", str(data_copy))
    monkeypatch.setenv("HEZE_CACHE_DIR", str(cache_dir))
    assert main(["check"]) == 1
    out, err = capsys.readouterr()
    assert f"{data_copy}: 1 problem(s)" in err
    assert "projects.csv: file not found" in out


def test_the_cli_lists_every_bad_setting(monkeypatch, capsys):
    monkeypatch.setenv("HEZE_GEOCODER", "baidu")
    monkeypatch.setenv("HEZE_CUSTOM_TILE_CRS", "EPSG:3857")
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert "HEZE_GEOCODER" in err and "HEZE_CUSTOM_TILE_CRS" in err


def settings_table() -> str:
    """The README's table of settings, as SETTINGS gives it."""
    rows = [f"| `{s.name}` | {f'`{s.secret}`' if s.secret else '—'} | "
            f"{f'`{s.default}`' if s.default else '—'} | {s.help} |" for s in SETTINGS]
    return "\n".join(["| environment variable | or in `.streamlit/secrets.toml` | default | effect |",
                      "| --- | --- | --- | --- |", *rows])


def test_readme_lists_the_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- settings table:[^>]*-->\n(.*?)\n<!-- end of settings table -->",
                      readme, re.S)
    assert block, "README.md lost its settings table markers"
    assert block.group(1) == settings_table(), "paste this into README.md:\n" + settings_table()
