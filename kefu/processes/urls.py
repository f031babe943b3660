from django.urls import path, re_path

from kefu.processes import views, views_print, views_reports

app_name = "processes"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("queue/", views.queue, name="queue"),
    path("today/", views.today, name="today"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:approval_id>/decide/", views.decide, name="decide"),
    path("<int:pk>/", views.detail, name="detail"),
    re_path(rf"^(?P<pk>[0-9]+)/(?P<action>{'|'.join(views.ACTIONS)})/$", views.act, name="act"),
    path("<int:pk>/documents/<int:document_id>/", views.document_file, name="document_file"),
    path("<int:pk>/print/<slug:form_code>/", views_print.print_form, name="print"),
    path("<int:pk>/print/<slug:form_code>.pdf", views_print.print_pdf, name="print_pdf"),
    path("reports/daily/", views_reports.daily, name="report_daily"),
    path("reports/monthly/<slug:report>/", views_reports.monthly, name="report_monthly"),
]
