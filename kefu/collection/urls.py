from django.urls import path

from kefu.collection import views

app_name = "collection"
urlpatterns = [
    path("", views.index, name="index"),
    path("pay/", views.pay, name="pay"),
    path("payments/", views.payments, name="payments"),
    path("payments/<int:pk>/", views.detail, name="detail"),
    path("payments/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("payments/<int:pk>/void/", views.void, name="void"),
    path("payments/<int:pk>/vat/", views.vat_request, name="vat_request"),
    path("vat/", views.vat_list, name="vat_list"),
    path("vat/<int:pk>/issue/", views.vat_issue, name="vat_issue"),
    path("bank/", views.bank, name="bank"),
    path("report/", views.report, name="report"),
    path("report.xlsx", views.report_export, name="report_export"),
]
