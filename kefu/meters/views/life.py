"""The life of an archive meter (issue 15 "on the archive's meter the full life of each meter"): its
stock record (goods-in, test certificate), issue, fitting, replacements, old-meter return and events,
for anyone who may see the meter's customer (the archive's visibility rule, customers.branch_scope)."""

from django.shortcuts import render
from django.urls import path

from kefu.meters import selectors_replacements as selectors


def meter_life(request, pk):
    life = selectors.meter_life_for(request.user, pk)
    return render(request, "meters/life/meter.html", {"life": life, "meter": life.meter})


urlpatterns = [path("meter/<int:pk>/", meter_life, name="meter_life")]
