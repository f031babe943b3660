from kefu.archives.views import destruction as destruction_views
from kefu.archives.views import filing as filing_views
from kefu.archives.views import keys as key_views
from kefu.archives.views import loans as loan_views

app_name = "archives"
urlpatterns = [
    # -- the desk, the catalogue, a file and its content list (kefu/archives/views/filing.py)
    *filing_views.urlpatterns,
    # -- reading and borrowing (kefu/archives/views/loans.py)
    *loan_views.urlpatterns,
    # -- destruction, the holdings check, the archivist's hand-over (kefu/archives/views/destruction.py)
    *destruction_views.urlpatterns,
    # -- the key cabinet (kefu/archives/views/keys.py)
    *key_views.urlpatterns,
]
