from django.urls import path

from kefu.core import views

app_name = "core"
urlpatterns = [
    path("", views.calendar_year, name="calendar"),
    path("days/", views.calendar_day_set, name="calendar_day_set"),
    path("days/<int:pk>/withdraw/", views.calendar_day_withdraw, name="calendar_day_withdraw"),
    path("years/", views.calendar_year_mark, name="calendar_year_mark"),
]
