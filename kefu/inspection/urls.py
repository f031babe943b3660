from kefu.inspection.views import cases as case_views
from kefu.inspection.views import field as field_views
from kefu.inspection.views import patrols as patrol_views

app_name = "inspection"
urlpatterns = [
    # -- cases, the leader's approval queue, the read log (kefu/inspection/views/cases.py)
    *case_views.urlpatterns,
    # -- in the field: evidence, statements, notices and their prints (kefu/inspection/views/field.py)
    *field_views.urlpatterns,
    # -- patrol plans and patrols (kefu/inspection/views/patrols.py)
    *patrol_views.urlpatterns,
]
