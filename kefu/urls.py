from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from kefu.api import api
from kefu.core import views as core_views

# JSON under /api/, the HTML pages elsewhere (kefu.core.errors).
handler404 = "kefu.core.errors.not_found"
handler500 = "kefu.core.errors.server_error"

admin.site.site_header = "kefu 客服中心后台"
admin.site.site_title = "kefu 后台"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("favicon.ico", core_views.favicon),
    path("login/", login_not_required(auth_views.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", api.urls),
    path("", include("kefu.core.urls")),  # calendar/ and rules/
    path("customers/", include("kefu.customers.urls")),
    path("org/", include("kefu.accounts.urls")),
    path("hotline/", include("kefu.hotline.urls")),
    path("telephony/", include("kefu.telephony.urls")),
    path("knowledge/", include("kefu.knowledge.urls")),
    path("duty/", include("kefu.workforce.urls")),
    path("meters/", include("kefu.meters.urls")),
    path("quality/", include("kefu.quality.urls")),
    path("archives/", include("kefu.archives.urls")),
    path("inspection/", include("kefu.inspection.urls")),
    path("incidents/", include("kefu.incidents.urls")),
    path("reports/", include("kefu.reports.urls")),
    path("kpi/", include("kefu.kpi.urls")),
    path("collection/", include("kefu.collection.urls")),
    path("processes/", include("kefu.processes.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
