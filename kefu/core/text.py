"""Short texts for lists, alerts and timelines."""

ELLIPSIS = "…"


def cut(text: str, limit: int) -> str:
    """`text` stripped, and cut to `limit` characters with "…" as the last when longer."""
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
