"""The meters' lines on the home page's 我的待办 (placeholder, filled by the desk)."""


def panel(user) -> list[tuple[str, int, str]]:
    return []
