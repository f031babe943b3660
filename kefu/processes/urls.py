from django.urls import path

from kefu.processes import views

app_name = "processes"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
]
