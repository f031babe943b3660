from django.urls import path, re_path

from kefu.processes import views

app_name = "processes"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    re_path(rf"^(?P<pk>[0-9]+)/(?P<action>{'|'.join(views.ACTIONS)})/$", views.act, name="act"),
]
