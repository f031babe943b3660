"""Sampling each agent's checks for the month, and the month-end flag of the unchecked (Q1)."""

ALERT_KINDS: dict[str, str] = {}


def flag_unchecked(now) -> list[str]:
    return []
