"""The block chain of an .osm.pbf file: whether a copy is whole, read from block headers alone."""

from __future__ import annotations

from pathlib import Path


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while at < len(data):
        value |= (data[at] & 0x7F) << shift
        at, shift = at + 1, shift + 7
        if not data[at - 1] & 0x80:
            break
    return value, at


def _blob_size(header: bytes) -> int:
    """The datasize field of a PBF BlobHeader (protobuf: 1 type, 2 indexdata, 3 datasize)."""
    at = 0
    while at < len(header):
        key, at = _varint(header, at)
        if key >> 3 == 3 and key & 7 == 0:
            return _varint(header, at)[0]
        length, at = _varint(header, at) if key & 7 == 2 else (0, _varint(header, at)[1])
        at += length
    return 0


def truncation(pbf: Path) -> str | None:
    """Where a PBF file's chain of blocks overruns its end (a copy cut short), else None.
    Reads only the block headers: GDAL's Arrow reader logs such errors without raising."""
    size, at = pbf.stat().st_size, 0
    with pbf.open("rb") as handle:
        while at < size:
            handle.seek(at)
            head = handle.read(4)
            length = int.from_bytes(head, "big") if len(head) == 4 else size
            header = handle.read(length) if length < 65536 else b""  # the format's limit: 64 KiB
            end = at + 4 + length + _blob_size(header)
            if len(header) != length or end > size:
                return (f"the block at byte {at} runs past the file's end at byte {size}: "
                        "cut short, or not a PBF file")
            at = end
    return None
