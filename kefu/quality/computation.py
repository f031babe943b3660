"""The appraisal computation (Q2, Q4), exactly as issue 16 defines it; pure (reads only the rules), so
the preview API, the live sheet page and the monthly close share one function. STUB: the sheets
subject writes it; the signatures are the contract."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Item:
    kind: str  # bonus | light | medium | severe | dismissal
    points: int
    label: str = ""


@dataclass
class Result:
    score: int
    grade: str | None  # None below the E mark
    pay_delta: int
    termination_flag: bool
    termination_reasons: list[str] = field(default_factory=list)
    # Every step shown on the sheet: {"label": …, "points": signed int or None, "total": running score}
    lines: list[dict] = field(default_factory=list)


def compute(
    *,
    month: date,
    joined_on: date | None,
    items: Sequence[Item],
    adjustment: int = 0,
    adjustment_reason: str = "",
    last_place_twice_below: bool = False,
) -> Result:
    """`month` is the month's first day; `last_place_twice_below` says the person is last in the team
    and below the rule's mark this and the previous month (the monthly close knows the ranks).
    Raises django ValidationError keyed by field ("items[2].points", "adjustment", …) on bad input."""
    raise NotImplementedError
