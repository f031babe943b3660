"""The replacements pages (placeholder)."""

from django.http import HttpResponse
from django.urls import path

from kefu.core.permissions import require


def index(request):
    require(request.user, "meters.view_replacement")
    return HttpResponse("replacements")


urlpatterns = [path("replacements/", index, name="replacements")]
