"""Tests for geo.tippecanoe_cli: where tippecanoe's temporary files go, and what it is called with."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from geo import tippecanoe_cli
from geo.tippecanoe_cli import TippecanoeError, run_tippecanoe, scratch_folder

ABOUT = ("synthetic", "© nobody", "test")


def test_a_folder_in_memory_with_room_takes_the_temporary_files(tmp_path):
    assert scratch_folder(1 << 20, tmp_path) == tmp_path


def test_a_folder_without_room_for_twice_the_inputs_is_passed_over(tmp_path):
    free = shutil.disk_usage(tmp_path).free
    assert scratch_folder(free // 2, tmp_path) is None
    assert scratch_folder(0, tmp_path / "missing") is None


def _recording_tippecanoe(folder: Path) -> Path:
    """A stand-in for the binary that writes its arguments, one per line, beside itself."""
    fake = folder / "tippecanoe"
    fake.write_text(f'#!/bin/sh\nfor a in "$@"; do echo "$a"; done > {folder}/args\n')
    fake.chmod(0o755)
    return fake


@pytest.mark.parametrize("scratch", [None, "scratch"])
def test_the_scratch_folder_is_passed_to_tippecanoe_when_there_is_one(tmp_path, monkeypatch,
                                                                      scratch):
    fake = _recording_tippecanoe(tmp_path)
    monkeypatch.setattr(tippecanoe_cli, "tippecanoe_path", lambda: str(fake))
    folder = tmp_path / scratch if scratch else None
    run_tippecanoe(["-L", "{}"], tmp_path / "out.pmtiles", (5, 14), about=ABOUT,
                   progress=lambda _: None, scratch=folder)
    args = (tmp_path / "args").read_text().splitlines()
    assert args[args.index("-Z5") + 1] == "-z14" and args[-2:] == ["-L", "{}"]
    assert ("-t" in args) == bool(scratch)
    if scratch:
        assert args[args.index("-t") + 1] == str(folder)


def test_a_failing_run_says_what_tippecanoe_printed_last(tmp_path, monkeypatch):
    fake = tmp_path / "tippecanoe"
    fake.write_text("#!/bin/sh\necho 'synthetic: something broke' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(tippecanoe_cli, "tippecanoe_path", lambda: str(fake))
    with pytest.raises(TippecanoeError, match=r"failed \(3\): synthetic: something broke"):
        run_tippecanoe([], tmp_path / "out.pmtiles", (5, 14), about=ABOUT,
                       progress=lambda _: None)
