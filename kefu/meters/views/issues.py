"""The issues pages (placeholder)."""

urlpatterns: list = []
