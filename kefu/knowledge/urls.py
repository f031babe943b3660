from django.urls import path

from kefu.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.index, name="index"),
    path("for-area/", views.panel, name="panel"),
    path("articles/new/", views.article_create, name="article_create"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("outages/", views.outages, name="outages"),
    path("outages/new/", views.outage_create, name="outage_create"),
    path("outages/<int:pk>/", views.outage_detail, name="outage_detail"),
    path("outages/<int:pk>/edit/", views.outage_edit, name="outage_edit"),
    path("outages/<int:pk>/cancel/", views.outage_cancel, name="outage_cancel"),
    path("outages/<int:pk>/print/", views.outage_print, name="outage_print"),
]
