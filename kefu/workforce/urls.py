from django.urls import path

from kefu.workforce import views
from kefu.workforce.views import attendance as attendance_views
from kefu.workforce.views import leave as leave_views
from kefu.workforce.views import plans as plan_views
from kefu.workforce.views import rosters as roster_views
from kefu.workforce.views import staffing as staffing_views
from kefu.workforce.views import swaps as swap_views

app_name = "workforce"
urlpatterns = [
    path("", views.handovers, name="handovers"),
    path("handovers/new/", views.handover_create, name="handover_create"),
    path("handovers/<int:pk>/", views.handover_detail, name="handover_detail"),
    path("handovers/<int:pk>/receive/", views.handover_receive, name="handover_receive"),
    path("handovers/<int:pk>/edit/", views.handover_edit, name="handover_edit"),
    path("handovers/<int:pk>/print/", views.handover_print, name="handover_print"),
    # -- rosters (kefu/workforce/views/rosters.py)
    path("roster/", roster_views.roster, name="roster"),
    path("roster/cell/", roster_views.roster_cell, name="roster_cell"),
    path("roster/export/", roster_views.roster_export, name="roster_export"),
    path("roster/print/", roster_views.roster_print, name="roster_print"),
    path("me/", roster_views.my_roster, name="my_roster"),
    # -- leave (kefu/workforce/views/leave.py)
    path("leave/", leave_views.leave_list, name="leave_list"),
    path("leave/export/", leave_views.leave_export, name="leave_export"),
    path("leave/new/", leave_views.leave_create, name="leave_create"),
    path("leave/<int:pk>/", leave_views.leave_detail, name="leave_detail"),
    path("leave/<int:pk>/decide/", leave_views.leave_decide, name="leave_decide"),
    path("leave/<int:pk>/withdraw/", leave_views.leave_withdraw, name="leave_withdraw"),
    path("leave/<int:pk>/certificate/", leave_views.leave_certificate, name="leave_certificate"),
    # -- swaps (kefu/workforce/views/swaps.py)
    path("swaps/", swap_views.swaps, name="swaps"),
    path("swaps/new/", swap_views.swap_create, name="swap_create"),
    path("swaps/register/export/", swap_views.swap_register_export, name="swap_register_export"),
    path("swaps/register/print/", swap_views.swap_register_print, name="swap_register_print"),
    path("swaps/<int:pk>/", swap_views.swap_detail, name="swap_detail"),
    path("swaps/<int:pk>/decide/", swap_views.swap_decide, name="swap_decide"),
    path("swaps/<int:pk>/withdraw/", swap_views.swap_withdraw, name="swap_withdraw"),
    # -- attendance and discipline (kefu/workforce/views/attendance.py)
    path("attendance/me/", attendance_views.sign_in_page, name="sign_in_page"),
    path("attendance/me/sign-in/", attendance_views.sign_in, name="sign_in"),
    path("attendance/me/sign-out/", attendance_views.sign_out, name="sign_out"),
    path("attendance/", attendance_views.attendance, name="attendance"),
    path("attendance/roll-call/", attendance_views.roll_call, name="roll_call"),
    path("attendance/<int:pk>/correct/", attendance_views.attendance_correct, name="attendance_correct"),
    path("attendance/<int:pk>/absences/", attendance_views.absence_create, name="absence_create"),
    path("attendance/absences/<int:pk>/return/", attendance_views.absence_return, name="absence_return"),
    path("discipline/", attendance_views.discipline, name="discipline"),
    path("discipline/export/", attendance_views.discipline_export, name="discipline_export"),
    path("discipline/<int:pk>/close/", attendance_views.discipline_close, name="discipline_close"),
    # -- forecast and staffing (kefu/workforce/views/staffing.py)
    path("staffing/", staffing_views.staffing_page, name="staffing"),
    path("forecast/", staffing_views.forecast_page, name="forecast"),
    path("forecast/export/", staffing_views.forecast_export, name="forecast_export"),
    # -- roster plans (kefu/workforce/views/plans.py)
    path("plans/", plan_views.plans, name="plans"),
    path("plans/new/", plan_views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/publish/", plan_views.plan_publish, name="plan_publish"),
    path("plans/<int:pk>/discard/", plan_views.plan_discard, name="plan_discard"),
]
