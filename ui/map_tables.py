"""The table under the map: one kind of record at a time, opened with a segmented control."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from parks.analysis.membership import Memberships
from parks.analysis.query import unlocated
from parks.config import DEFAULT_CONFIG
from parks.display.tables import display_table
from parks.model.industries import Taxonomy
from parks.model.schema import SPECS
from ui.i18n import t
from ui.session import lang_key, remember

UNLOCATED = "unlocated"


def record_tables(frames: dict[str, pd.DataFrame], taxonomy: Taxonomy, lang: str,
                  park_names: dict[str, str], *, key: str, inside: Memberships | None = None
                  ) -> None:
    """A table of the records drawn, one kind at a time, opened on demand and kept open across
    filter changes (and in the link); with `inside`, who is inside which park by outline, the
    undecidable count said beside. Closed by default: a table is rebuilt on every filter
    change, and making and dropping its grid is ~20 % of the browser's work for a change
    (measured), the largest piece the page adds — the map and the counts are what a filter
    change is for."""
    choices = [*frames, UNLOCATED]
    chosen = remember(key, st.segmented_control(
        t("table_of"), choices, key=lang_key(key, lang, None, choices), help=t("table_help"),
        format_func=lambda c: t("unlocated_title", lang) if c == UNLOCATED
        else SPECS[c].label.get(lang)))
    if chosen is None:
        return
    if chosen != UNLOCATED:
        record_table(frames[chosen], chosen, taxonomy, lang, park_names, key=f"{key}_{chosen}",
               inside=inside)
        return
    st.caption(t("unlocated_help"))
    missing = {name: unlocated(frame) for name, frame in frames.items()}
    if not any(len(frame) for frame in missing.values()):
        st.info(t("no_match"))
    for name, frame in missing.items():
        if len(frame):
            st.markdown(f"**{SPECS[name].label.get(lang)}** ({len(frame):,})")
            record_table(frame, name, taxonomy, lang, park_names, key=f"{key}_unlocated_{name}",
                   inside=inside)


def record_table(frame: pd.DataFrame, name: str, taxonomy: Taxonomy, lang: str,
                 park_names: dict[str, str], *, key: str, inside: Memberships | None = None
                 ) -> None:
    """The records as a table of their first `table_rows` rows, saying so when there are more
    (a million-row table stalls the browser; exports carry them all)."""
    if frame.empty:
        st.info(t("no_match"))
        return
    shown = shown_rows(frame)
    if inside is not None:
        _inside_caption(frame, name, inside)
    st.dataframe(display_table(shown, name, taxonomy, lang, park_names, inside),
                 hide_index=True, width="stretch", key=key)


def shown_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The first `table_rows` rows of a table about to be shown, with a caption saying so when
    there are more: a browser table of 10^5 rows stalls the page."""
    rows = DEFAULT_CONFIG.table_rows
    if len(frame) > rows:
        st.caption(t("table_truncated").format(shown=rows, total=len(frame)))
    return frame.head(rows)


def _inside_caption(frame: pd.DataFrame, name: str, inside: Memberships) -> None:
    """The undecidable records beside the figures: of the rows shown, or of every record."""
    if name == "parks":
        every = inside.records  # the counts are of every record, not only the shown ones
        st.caption(t("table_inside_parks").format(n=int((every["status"] == "undecidable").sum())))
        return
    found = inside.status(name, frame["id"])
    st.caption(t("table_inside").format(n=int((found["status"] == "undecidable").sum())))
