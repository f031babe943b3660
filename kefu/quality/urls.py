from kefu.quality.views import checks as check_views
from kefu.quality.views import indicators as indicator_views
from kefu.quality.views import mine as mine_views
from kefu.quality.views import months as month_views
from kefu.quality.views import sampling as sampling_views
from kefu.quality.views import sheets as sheet_views
from kefu.quality.views import summaries as summary_views

app_name = "quality"
urlpatterns = [
    # -- a person's own checks and sheets (kefu/quality/views/mine.py)
    *mine_views.urlpatterns,
    # -- scorecards, checks, appeals, calibration (kefu/quality/views/checks.py)
    *check_views.urlpatterns,
    # -- sampling, the unchecked, the monthly roll-up (kefu/quality/views/sampling.py)
    *sampling_views.urlpatterns,
    # -- weekly summaries (kefu/quality/views/summaries.py)
    *summary_views.urlpatterns,
    # -- the appraisal sheet, catalogue, exam, complaints (kefu/quality/views/sheets.py)
    *sheet_views.urlpatterns,
    # -- the monthly close (kefu/quality/views/months.py)
    *month_views.urlpatterns,
    # -- indicators by role (kefu/quality/views/indicators.py)
    *indicator_views.urlpatterns,
]
