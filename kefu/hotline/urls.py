from django.urls import path, re_path

from kefu.hotline import views
from kefu.hotline.actions import WorkOrderAction
from kefu.hotline.views import caller, notes

app_name = "hotline"

# The steps a work order may take from its page (the one vocabulary of kefu/hotline/actions.py); each
# one is a POST through the action table.
ACTIONS = "|".join(WorkOrderAction.values)

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("suggest/", views.suggest, name="suggest"),
    path("route-preview/", views.route_preview, name="route_preview"),
    path("customer-lookup/", views.customer_lookup, name="customer_lookup"),
    path("customer-history/", views.customer_history, name="customer_history"),
    path("repeat-check/", views.repeat_check, name="repeat_check"),
    path("caller-panels/", caller.caller_panels, name="caller_panels"),
    path("orders/", views.work_orders, name="work_orders"),
    path("orders/<int:pk>/", views.work_order, name="work_order"),
    path("orders/<int:pk>/print/", views.work_order_print, name="work_order_print"),
    re_path(
        rf"^orders/(?P<pk>[0-9]+)/(?P<action>{ACTIONS})/$", views.work_order_action, name="work_order_action"
    ),
    # 督办意见, 批示 and internal notes (W1, H17)
    path("orders/<int:pk>/supervise/", notes.supervise, name="supervise"),
    path("orders/<int:pk>/instruct/", notes.instruct, name="instruct"),
    path(
        "orders/<int:pk>/instructions/<int:instruction_id>/acknowledge/",
        notes.acknowledge,
        name="acknowledge_instruction",
    ),
    path("orders/<int:pk>/notes/", notes.add_note, name="add_note"),
    path(
        "orders/<int:pk>/notes/attachments/<int:attachment_id>/",
        notes.note_attachment,
        name="note_attachment",
    ),
    path("contacts/", views.contacts, name="contacts"),
    path("contacts/<int:pk>/", views.contact, name="contact"),
    path("contacts/<int:pk>/correct/", views.contact_correct, name="contact_correct"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/read/", views.alerts_read, name="alerts_read"),
]
