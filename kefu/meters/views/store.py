"""The store keeper's desk and the store's pages (placeholder)."""

from django.http import HttpResponse
from django.urls import path

from kefu.core.permissions import require


def desk(request):
    require(request.user, "meters.view_stockmeter")
    return HttpResponse("表库")


urlpatterns = [path("", desk, name="desk")]
