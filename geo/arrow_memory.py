"""Where Arrow's buffers come from in a process: the C library's allocator, set by each entry point."""

from __future__ import annotations

import pyarrow as pa


def use_system_allocator() -> None:
    """Arrow's buffers (every text column under pandas 3, every table read through GDAL) from
    the C allocator from now on; an entry point calls this before it reads any data."""
    # Arrow's own pool (mimalloc) kept freed buffers: the 1M server stayed at 1.40 GB against
    # 1.19 GB after the same visits. And on this machine each fresh mimalloc page costs a fault:
    # filtering a Shandong-sized extract's 3 M polygons (300 MB of WKB) took 2.8 s against 0.26 s,
    # and the synthetic county's basemap build 4.2-4.3 s against 3.6-3.8 s (interleaved).
    pa.set_memory_pool(pa.system_memory_pool())
