from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # helpdesk at the root, as its own demo site does: /login/, /tickets/, /tickets/<id>/, /tickets/submit/ …
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
