"""The three 8-hour shifts of a 24-hour hotline (三班倒), as migration 0003 ships them. The demo seeder
puts back any that are missing (a test database flushed between transactional tests loses what the
migrations wrote), so that a demo is never seeded without shifts to roster."""

from datetime import time

from kefu.workforce.models import Shift, ShiftKind

DEFAULT_SHIFTS = [
    ("D", "白班", ShiftKind.DAY, time(8), time(16), 1),
    ("E", "中班", ShiftKind.EVENING, time(16), time(0), 2),
    ("N", "夜班", ShiftKind.NIGHT, time(0), time(8), 3),
]


def ensure_default_shifts() -> dict[str, Shift]:
    shifts = {}
    for code, name, kind, starts_at, ends_at, order in DEFAULT_SHIFTS:
        shifts[code], _ = Shift.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "starts_at": starts_at, "ends_at": ends_at, "order": order},
        )
    return shifts
