"""The acceptance pages (placeholder)."""

urlpatterns: list = []
