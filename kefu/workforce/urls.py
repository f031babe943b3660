from django.urls import path

from kefu.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.handovers, name="handovers"),
    path("handovers/new/", views.handover_create, name="handover_create"),
    path("handovers/<int:pk>/", views.handover_detail, name="handover_detail"),
    path("handovers/<int:pk>/receive/", views.handover_receive, name="handover_receive"),
    path("handovers/<int:pk>/edit/", views.handover_edit, name="handover_edit"),
    path("handovers/<int:pk>/print/", views.handover_print, name="handover_print"),
    # -- rosters (kefu/workforce/views/rosters.py)
    # -- leave (kefu/workforce/views/leave.py)
    # -- swaps (kefu/workforce/views/swaps.py)
    # -- attendance and discipline (kefu/workforce/views/attendance.py)
    # -- forecast and staffing (kefu/workforce/views/staffing.py)
    # -- roster plans (kefu/workforce/views/plans.py)
]
