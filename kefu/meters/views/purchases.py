"""The purchases pages (placeholder)."""

from django.http import HttpResponse
from django.urls import path

from kefu.core.permissions import require


def index(request):
    require(request.user, "meters.view_purchaseplan")
    return HttpResponse("purchases")


urlpatterns = [path("plans/", index, name="purchase_plans")]
