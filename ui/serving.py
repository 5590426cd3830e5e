"""The dataset served per region: prepared in the background (from the store or its snapshot),
shared by all sessions, the last good one kept serving while a newer one is prepared."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import streamlit as st

from geo.arrow_memory import use_system_allocator
from parks.errors import DataValidationError
from parks.model.dataset import Dataset
from parks.model.prepared import SnapshotKey, data_fingerprint, prepare, snapshot_root
from parks.store import open_store
from parks.store.base import Store, StoreError

# light on purpose: ui.warm_start imports this module first, as the server starts, to begin
# loading the data before folium and the pages are imported (0.7 s against 1.5 s, measured)

use_system_allocator()  # as the server starts, before any record is read


@st.cache_resource
def open_working_store(location: str, folder: str) -> Store:
    """One store connection per location for the whole server (the store locks its writes)."""
    return open_store(location, data_dir=Path(folder))


def _builder(working: Store, key: SnapshotKey, folder: Path, location: str,
             cache: Path) -> Callable[[], Dataset]:
    """How the dataset for `key` is made (in a worker thread: no Streamlit calls): from its
    snapshot, else read and validated from the store and the snapshot written."""
    def build() -> Dataset:
        return prepare(snapshot_root(location, cache), key, working.read_tables, data_dir=folder,
                       cache_dir=cache, still=lambda: working.version() == key.version)
    return build


REBUILD_WAIT_S = 2.0  # a rerun waits this long for new data, then serves the old meanwhile
BACKGROUND_FROM = 20_000  # enterprises; fewer rebuild in about the wait: waited for (edits show)


def _started(build: Callable[[], Dataset]) -> Future[Dataset]:
    """`build` run in a daemon thread of its own; its result or error in the future."""
    future: Future[Dataset] = Future()

    def run() -> None:
        try:
            future.set_result(build())
        except BaseException as error:  # handed to whoever waits for it
            future.set_exception(error)

    threading.Thread(target=run, name="heze-prepare", daemon=True).start()
    return future


class Serving:
    """Per region and data folder: the dataset served now (the last one that loaded: the
    fallback on bad data) and the one being prepared for a newer data version, shared by all
    sessions (sessions are threads: one lock). The old one serves until the new one is whole."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._served: dict[str, tuple[SnapshotKey, Dataset]] = {}
        self._jobs: dict[str, tuple[SnapshotKey, Future[Dataset]]] = {}

    def get(self, slot: str) -> Dataset | None:
        """The dataset served for `slot`, if any."""
        with self._lock:
            served = self._served.get(slot)
        return served[1] if served else None

    def key_of(self, loaded: Dataset) -> SnapshotKey | None:
        """The key of `loaded` while it is served (None for a dataset not served here)."""
        with self._lock:
            return next((key for key, served in self._served.values() if served is loaded), None)

    def start(self, slot: str, key: SnapshotKey, build: Callable[[], Dataset]) -> None:
        """Start preparing `key` in the background unless it is served or something is being
        prepared for `slot` already; returns at once (dataset() then waits for it)."""
        with self._lock:
            served = self._served.get(slot)
            if (served is None or served[0] != key) and slot not in self._jobs:
                self._jobs[slot] = (key, _started(build))

    def dataset(self, slot: str, key: SnapshotKey, build: Callable[[], Dataset],
                wait: float | None) -> tuple[Dataset, bool]:
        """The dataset for `key` (second item False); while it takes longer than `wait` seconds
        to prepare, the one served before (True). The first dataset of a slot, and the first of
        another store, are waited for."""
        with self._lock:
            served = self._served.get(slot)
            if served is not None and served[0] == key:
                return served[1], False
            if served is None or served[0].store_id != key.store_id:
                wait = None
            job = self._jobs.get(slot)
            if job is None or (job[0] != key and job[1].done()):
                job = self._jobs[slot] = (key, _started(build))
        try:
            loaded = job[1].result(timeout=wait)
        except TimeoutError:
            return served[1], True  # type: ignore[index]  # only a slot with one waits a while
        finally:
            with self._lock:
                if job[1].done() and self._jobs.get(slot) is job:
                    del self._jobs[slot]  # an error is tried again on the next load
        with self._lock:
            self._served[slot] = (job[0], loaded)
        return loaded, job[0] != key


@st.cache_resource
def shared() -> Serving:
    """The server's one Serving, shared by its sessions."""
    return Serving()


def slot_name(region: str, folder: Path, location: str) -> str:
    """Where a region's dataset is served: one per region, data folder and store."""
    return f"{region}:{folder}:{location}"


def job(region: str, folder: Path, cache: Path,
        location: str) -> tuple[SnapshotKey, Callable[[], Dataset]]:
    """The key of the store's data for `region` now, and how its dataset is made."""
    working = open_working_store(location, str(folder))
    key = SnapshotKey(working.store_id(), working.version(), region, data_fingerprint(folder))
    return key, _builder(working, key, folder, location, cache)


def prepare_early(region: str, folder: Path, cache: Path, location: str) -> None:
    """Start preparing the region's dataset in the background unless one is served: so that it
    loads while the server starts (ui.warm_start) or a first page imports; its problems show
    when dataset() asks."""
    slot, served = slot_name(region, folder, location), shared()
    if served.get(slot) is None:
        with contextlib.suppress(StoreError, DataValidationError):
            served.start(slot, *job(region, folder, cache, location))


