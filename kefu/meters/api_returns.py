"""The returns API (placeholder)."""

from ninja import Router

router = Router(tags=["水表"])
