"""The history of a workforce record (handover, leave, swap) as the detail pages list it: who, when,
what, from the record's events, a change of value shown as old → new."""

from dataclasses import dataclass
from datetime import datetime

from kefu.core.events import events_for, verb_label


@dataclass
class HistoryLine:
    occurred_at: datetime
    actor: str
    action: str
    details: list[str]
    note: str


def history_lines(target, labels: dict[str, str], *, most: int = 50) -> list[HistoryLine]:
    lines = []
    for event in events_for(target)[:most]:
        details = []
        for key, value in event.changes.items():
            label = labels.get(key, key)
            if isinstance(value, list) and len(value) == 2:  # kefu.core.events.diff's [old, new]
                details.append(f"{label}：{value[0] or '（空）'} → {value[1] or '（空）'}")
            elif value:
                details.append(f"{label}：{value}")
        lines.append(
            HistoryLine(
                event.occurred_at, str(event.actor or "系统"), verb_label(event.verb), details, event.note
            )
        )
    return lines
