from django.urls import path

from kefu.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("export.xlsx", views.export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/print/", views.print_view, name="print"),
    path("<int:pk>/documents/", views.add_document, name="add_document"),
    path("<int:pk>/correspondence/", views.add_correspondence, name="add_correspondence"),
    path("<int:pk>/documents/<int:document_id>/", views.download_document, name="download_document"),
    path("<int:pk>/contacts/", views.add_contact, name="add_contact"),
    path("<int:pk>/access-log/", views.access_log, name="access_log"),
]
