from django.urls import path

from kefu.kpi import views

app_name = "kpi"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("list/<slug:metric>/", views.drill, name="list"),
    path("list/<slug:metric>.xlsx", views.drill_xlsx, name="list_xlsx"),
]
