"""The issues API (placeholder)."""

from ninja import Router

router = Router(tags=["水表"])
