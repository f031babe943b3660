from kefu.meters.views import acceptance as acceptance_views
from kefu.meters.views import issues as issue_views
from kefu.meters.views import life as life_views
from kefu.meters.views import purchases as purchase_views
from kefu.meters.views import replacements as replacement_views
from kefu.meters.views import returns as return_views
from kefu.meters.views import store as store_views

app_name = "meters"
urlpatterns = [
    # -- store (kefu/meters/views/store.py)
    *store_views.urlpatterns,
    # -- purchases (kefu/meters/views/purchases.py)
    *purchase_views.urlpatterns,
    # -- issues (kefu/meters/views/issues.py)
    *issue_views.urlpatterns,
    # -- replacements (kefu/meters/views/replacements.py)
    *replacement_views.urlpatterns,
    # -- the meter's life on the archive (kefu/meters/views/life.py)
    *life_views.urlpatterns,
    # -- returns (kefu/meters/views/returns.py)
    *return_views.urlpatterns,
    # -- acceptance (kefu/meters/views/acceptance.py)
    *acceptance_views.urlpatterns,
]
