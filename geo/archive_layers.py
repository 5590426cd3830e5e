"""Layers encoded outside tippecanoe, added to the tiles of a PMTiles archive it wrote."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Mapping
from pathlib import Path

from pmtiles.reader import MmapSource, Reader, all_tiles
from pmtiles.tile import Compression, zxy_to_tileid
from pmtiles.writer import Writer

# A tile's layers are a repeated protobuf field (3): one more layer is appended bytes
Layers = Mapping[tuple[int, int], bytes]  # tile (x, y) → an encoded MVT Layer message


def _tag(length: int) -> bytes:
    out = bytearray(b"\x1a")  # field 3, length-delimited: Tile.layers
    while length > 0x7F:
        out.append(length & 0x7F | 0x80)
        length >>= 7
    return bytes(out + bytes([length]))


def _gzip(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: a gzip header, as tippecanoe writes
    return packer.compress(data) + packer.flush()


def add_layers(archive: Path, out: Path, zoom: int, layers: Mapping[str, Layers],
               fields: Mapping[str, Mapping[str, str]]) -> None:
    """Write `out`: archive's tiles with each of `layers` appended at zoom (a tile without
    others gets its own), and their entries in the metadata's vector_layers (fields: each
    layer's attribute → type)."""
    added: dict[tuple[int, int], list[bytes]] = {}
    for layer in layers.values():
        for tile, message in layer.items():
            added.setdefault(tile, []).append(_tag(len(message)) + message)
    with archive.open("rb") as handle:
        reader = Reader(MmapSource(handle))
        header, metadata = reader.header(), reader.metadata()
        packed = header["tile_compression"] == Compression.GZIP
        tiles = {}
        for (z, x, y), data in all_tiles(MmapSource(handle)):
            extra = added.pop((x, y), None) if z == zoom else None
            if extra:
                joined = (gzip.decompress(data) if packed else data) + b"".join(extra)
                data = _gzip(joined) if packed else joined
            tiles[zxy_to_tileid(z, x, y)] = data
    for (x, y), extra in added.items():
        tiles[zxy_to_tileid(zoom, x, y)] = _gzip(b"".join(extra)) if packed else b"".join(extra)
    metadata = dict(metadata)
    metadata["vector_layers"] = [*metadata.get("vector_layers", []), *(
        {"id": name, "description": "", "minzoom": zoom, "maxzoom": zoom, "fields": dict(fields[name])}
        for name in layers)]
    metadata.pop("tilestats", None)  # tippecanoe's counts would leave the added layers out
    with out.open("wb") as handle:
        writer = Writer(handle)
        for tile_id in sorted(tiles):
            writer.write_tile(tile_id, tiles[tile_id])
        writer.finalize(header, metadata)
