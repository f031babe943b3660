from django.urls import path

from kefu.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_create, name="create"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/confirm/", views.incident_confirm, name="confirm"),
    path("<int:pk>/dismiss/", views.incident_dismiss, name="dismiss"),
    path("<int:pk>/answer/", views.incident_answer, name="answer"),
    path("<int:pk>/close/", views.incident_close, name="close"),
    path("<int:pk>/link/", views.incident_link, name="link"),
]
