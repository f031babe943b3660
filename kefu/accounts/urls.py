from django.urls import path

from kefu.accounts import views

app_name = "accounts"
urlpatterns = [
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/hand-over/", views.staff_hand_over, name="staff_hand_over"),
    path("units/", views.unit_list, name="unit_list"),
    path("areas/", views.area_list, name="area_list"),
    path("lockouts/", views.login_lockouts, name="login_lockouts"),
    path("lockouts/unlock/", views.unlock_login, name="unlock_login"),
]
