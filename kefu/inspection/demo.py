"""The inspection demo (issue 17): cases of every stage — a theft report just in from the hotline, meter
verifications, one with evidence and a refused signature, one waiting for the leader, one approved and
filed — the year's patrol plan with this month's patrols. Each subject seeds its part; idempotent."""

from kefu.core.registry import Seeder


def seed(options) -> list[str]:
    from kefu.inspection import demo_cases, demo_field, demo_patrols

    lines: list[str] = []
    for part in (demo_patrols, demo_cases, demo_field):
        lines += part.seed(options)
    return lines


SEEDER = Seeder("inspection", 66, seed)
