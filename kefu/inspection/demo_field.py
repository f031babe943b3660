"""This subject's part of the inspection demo (filled in by its helper)."""


def seed(options) -> list[str]:
    return []
