"""Demo meters (placeholder: filled once the subjects land)."""

from kefu.core.registry import Seeder


def seed_meters(options: dict) -> list[str]:
    return []


SEEDER = Seeder("meters", 55, seed_meters)
