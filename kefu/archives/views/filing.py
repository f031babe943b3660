"""PLACEHOLDER until the filing subject lands: the desk and a file's page."""

from django.http import HttpResponse
from django.urls import path


def desk(request):
    return HttpResponse("档案室")


def file_detail(request, pk):
    return HttpResponse("档案")


urlpatterns = [
    path("", desk, name="desk"),
    path("files/<int:pk>/", file_detail, name="file"),
]
