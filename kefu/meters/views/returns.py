"""The returns pages (placeholder)."""

from django.http import HttpResponse
from django.urls import path

from kefu.core.permissions import require


def index(request):
    require(request.user, "meters.view_oldmeterreturn")
    return HttpResponse("returns")


urlpatterns = [path("returns/", index, name="returns")]
