"""The monthly close: draft every sheet, review, approve and lock, appeals on sheets (Q2, Q4)."""

ALERT_KINDS: dict[str, str] = {}
