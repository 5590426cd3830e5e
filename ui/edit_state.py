"""The edit page's parts: per-record edit state, saving with conflict checks, position and history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from parks.errors import DataValidationError
from parks.files.baseline import audit_csv, history_frame
from parks.model.edits import PointEdit
from parks.model.schema import TableSpec
from parks.model.validate import validate_tables
from parks.store.accounts import Editor
from parks.store.base import BASELINE_USER, ConflictError, Store, StoreError
from ui import loaders
from ui.i18n import lang, t


@dataclass(frozen=True)
class EditState:
    """Session keys of one record being edited: the revision it was opened at, the unsaved
    point and outline, and a map generation (a new map after every save or discard)."""

    table: str
    record_id: str

    def _key(self, part: str) -> str:
        return f"ed:{self.table}:{self.record_id}:{part}"

    def opened(self, store: Store) -> int:
        """The revision the editor is working from (read once, kept until save or reload)."""
        return st.session_state.setdefault(self._key("rev"), store.revision(self.table, self.record_id))

    @property
    def point(self) -> PointEdit | None:
        """The unsaved point, or None."""
        return st.session_state.get(self._key("point"))

    @property
    def outline(self) -> str | None:
        """Unsaved outline as WKT, REMOVE, or None."""
        return st.session_state.get(self._key("outline"))

    @property
    def generation(self) -> int:
        """How many times the unsaved edits changed; part of the map's key, so the map is redrawn."""
        return st.session_state.get(self._key("gen"), 0)

    def set(self, *, point: PointEdit | None = None, outline: str | None = None) -> None:
        """Keep an unsaved point and/or outline and count a new generation."""
        if point is not None:
            st.session_state[self._key("point")] = point
        if outline is not None:
            st.session_state[self._key("outline")] = outline
        st.session_state[self._key("gen")] = self.generation + 1

    def reset(self) -> None:
        """Forget unsaved changes and the opened revision (after a save, undo or reload)."""
        for part in ("rev", "point", "outline"):
            st.session_state.pop(self._key(part), None)
        st.session_state[self._key("gen")] = self.generation + 1


def flash(message: str, kind: str = "success") -> None:
    """A message shown once, after the rerun that follows a save."""
    st.session_state["edit_flash"] = (kind, message)


def show_flash() -> None:
    """Show, once, the message flash() left before the rerun."""
    kind, message = st.session_state.pop("edit_flash", ("", ""))
    if message:
        getattr(st, kind)(message)


def _validator():
    ctx = loaders.validation_ctx()
    return lambda merged: validate_tables(merged, ctx)


def save(store: Store, spec: TableSpec, state: EditState, new: Mapping[str, str], *,
         editor: Editor, reason: str, default_reason: str) -> bool:
    """Commit one record against the revision it was opened at; explain any refusal here."""
    try:
        result = store.commit({spec.name: pd.DataFrame([dict(new)], columns=list(spec.names))},
                              user=editor.name, reason=reason.strip() or default_reason,
                              validate=_validator(),
                              expected={(spec.name, state.record_id): state.opened(store)})
    except ConflictError as error:
        st.error(t("edit_conflict").format(msg=error))
        st.button(t("edit_reload"), key="edit_reload", on_click=state.reset)
        return False
    except DataValidationError as error:
        st.error(t("edit_invalid"))
        st.dataframe(pd.DataFrame([p.as_dict() for p in error.problems]), hide_index=True)
        return False
    except StoreError as error:
        st.error(error.said(lang()))
        return False
    state.reset()
    flash(t("edit_saved").format(v=result.version) if result.changed else t("edit_nothing"),
          "success" if result.changed else "info")
    return True


def history_section(store: Store, state: EditState, editor: Editor) -> None:
    """The record's audit trail as a table, with an undo button for its last change."""
    audit = store.audit(state.table, state.record_id)
    if audit.empty:
        st.info(t("edit_no_history"))
    else:
        st.dataframe(history_frame(audit, lang()), hide_index=True, width="stretch",
                     key=f"history_{state.table}_{state.record_id}")
        if audit["user"].iloc[0] == BASELINE_USER:  # undoing the baseline would delete the record
            st.caption(t("edit_baseline_only"))
        elif st.button(t("edit_undo"), key=f"undo_{state.table}_{state.record_id}"):
            try:
                result = store.undo(state.table, state.record_id, user=editor.name,
                                    validate=_validator())
            except (DataValidationError, StoreError) as error:
                st.error(error.said(lang()) if isinstance(error, StoreError) else str(error))
            else:
                state.reset()
                flash(t("edit_undone").format(v=result.version))
                st.rerun()
    st.download_button(t("edit_log_csv"), lambda: audit_csv(store.audit()), file_name="audit-log.csv",
                       mime="text/csv", key="edit_log_csv")


def delete_section(store: Store, state: EditState, editor: Editor) -> None:
    """Delete behind a confirmation; refused (with the reason) while other records refer to it."""
    with st.expander(t("edit_delete")):
        sure = st.checkbox(t("edit_delete_confirm"), key=f"delete_sure_{state.record_id}")
        if not st.button(t("edit_delete"), disabled=not sure, key=f"delete_{state.record_id}"):
            return
        try:
            store.commit({}, deletes={state.table: [state.record_id]}, user=editor.name,
                         reason="deleted in the edit page", validate=_validator(),
                         expected={(state.table, state.record_id): state.opened(store)})
        except DataValidationError as error:
            st.error(t("edit_invalid"))
            st.dataframe(pd.DataFrame([p.as_dict() for p in error.problems]), hide_index=True)
            return
        except StoreError as error:  # ConflictError included
            st.error(error.said(lang()))
            return
        state.reset()
        for key in [k for k in st.session_state if str(k).startswith("edit_record")]:
            del st.session_state[key]  # the picker's value (in every language) is gone
        flash(t("edit_deleted"))
        st.rerun()
