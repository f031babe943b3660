from django.urls import path

from kefu.telephony import views

app_name = "telephony"
urlpatterns = [
    path("pop/", views.pop, name="pop"),
    path("stats/", views.stats, name="stats"),
]
