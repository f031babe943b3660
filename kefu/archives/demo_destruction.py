"""This subject's part of the archives demo (filled in by its helper)."""


def seed(options) -> list[str]:
    return []
