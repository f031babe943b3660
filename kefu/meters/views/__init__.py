"""The meters' pages, one module per subject; each module ends with its own `urlpatterns`."""
