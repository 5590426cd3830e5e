"""Showing data problems plainly: a message and a table of problems, never a traceback."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from parks.errors import DataValidationError
from ui.i18n import t


def show_data_error(error: DataValidationError, *, have_fallback: bool) -> None:
    st.error(t("data_error") if have_fallback else t("data_error_none"))
    with st.expander(f"{t('problems')} ({len(error.problems)})", expanded=not have_fallback):
        st.dataframe(pd.DataFrame([p.as_dict() for p in error.problems]), hide_index=True,
                     width="stretch")
