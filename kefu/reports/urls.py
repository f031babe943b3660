from django.urls import path

from kefu.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("monthly/", views.monthly, name="monthly"),
    path("monthly.xlsx", views.monthly_xlsx, name="monthly_xlsx"),
    path("weekly/", views.weekly, name="weekly"),
    path("weekly.xlsx", views.weekly_xlsx, name="weekly_xlsx"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("timeliness.xlsx", views.timeliness_xlsx, name="timeliness_xlsx"),
]
