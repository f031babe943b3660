"""PLACEHOLDER until the cases subject lands."""

from django.http import HttpResponse
from django.urls import path


def case_list(request):
    return HttpResponse("稽查")


def case_detail(request, pk):
    return HttpResponse("案件")


urlpatterns = [
    path("", case_list, name="cases"),
    path("cases/<int:pk>/", case_detail, name="case"),
]
