"""Named errors of the domain: every validation problem is reported at once, by file, row and field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One bad cell (or a bad file when row and field are empty)."""

    file: str
    row: int | None  # 1-based data row as a spreadsheet shows it (header is row 1)
    field: str
    value: str
    reason: str
    reason_zh: str = ""  # the reason in Chinese, where the report shows it to a planner

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        value = f" (value {shown!r})" if self.value else ""
        return f"{where}: {self.reason}{value}"

    def as_dict(self) -> dict[str, object]:
        """The problem as a plain dict (file, row, field, value, reason)."""
        return {
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "reason": self.reason,
        }


class DataValidationError(ValueError):
    """Raised when records fail validation; `problems` lists every bad cell, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        head = "\n".join(f"  - {p}" for p in self.problems[:20])
        more = f"\n  … and {count - 20} more" if count > 20 else ""
        super().__init__(f"{count} data problem{'s' if count != 1 else ''}:\n{head}{more}")
