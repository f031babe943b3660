from django.urls import path

from kefu.reports import views, views_documents

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("monthly/", views.monthly, name="monthly"),
    path("monthly.xlsx", views.monthly_xlsx, name="monthly_xlsx"),
    path("weekly/", views.weekly, name="weekly"),
    path("weekly.xlsx", views.weekly_xlsx, name="weekly_xlsx"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("timeliness.xlsx", views.timeliness_xlsx, name="timeliness_xlsx"),
    path("documents/", views_documents.documents, name="documents"),
    path("documents/<int:generated_id>/", views_documents.document, name="document"),
    path("documents/<int:generated_id>/xlsx", views_documents.document_xlsx, name="document_xlsx"),
    path("documents/<int:generated_id>/pdf", views_documents.document_pdf, name="document_pdf"),
]
