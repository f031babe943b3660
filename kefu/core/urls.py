from django.urls import path

from kefu.core import views, views_alerts, views_rules

app_name = "core"
urlpatterns = [
    path("calendar/", views.calendar_year, name="calendar"),
    path("calendar/days/", views.calendar_day_set, name="calendar_day_set"),
    path("calendar/days/<int:pk>/withdraw/", views.calendar_day_withdraw, name="calendar_day_withdraw"),
    path("calendar/years/", views.calendar_year_mark, name="calendar_year_mark"),
    # 提醒: the bell's page (kefu.core.alerts)
    path("alerts/", views_alerts.alerts, name="alerts"),
    path("alerts/count", views_alerts.alerts_count, name="alerts_count"),
    path("alerts/read/", views_alerts.alerts_read_all, name="alerts_read_all"),
    path("alerts/<int:pk>/open/", views_alerts.alert_open, name="alert_open"),
    # 业务规则: the catalogue's page (kefu.core.policies)
    path("rules/", views_rules.rules, name="rules"),
    path("rules/export.xlsx", views_rules.rules_xlsx, name="rules_xlsx"),
    path("rules/<str:key>/", views_rules.rule_edit, name="rule_edit"),
    path("rules/<str:key>/restore/", views_rules.rule_restore, name="rule_restore"),
]
