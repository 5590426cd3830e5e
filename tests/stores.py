"""Store test helpers shared by the store test files: a park record to edit, raw SQL on the file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pandas as pd

from parks.store.base import Store

AIRPORT_ID = "p-heze-airport"
AIRPORT = (115.73667, 35.21333)


def park_record(store: Store, record_id: str, **cells: str) -> pd.DataFrame:
    """One full park record: a stored row with some cells replaced (and possibly a new id)."""
    parks = store.read_tables()["parks"]
    row = parks[parks["id"] == AIRPORT_ID].copy()
    row["id"] = record_id
    for column, value in cells.items():
        row[column] = value
    return row.reset_index(drop=True)



def sql_rows(path: Path, query: str) -> list[tuple]:
    """Rows of one query on a fresh connection (as another tool would open the file)."""
    with closing(sqlite3.connect(path)) as conn, conn:
        return conn.execute(query).fetchall()

