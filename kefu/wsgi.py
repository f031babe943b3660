import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
application = get_wsgi_application()


def _warm_classifier():
    # Loading scikit-learn and jieba's dictionary takes seconds; do it when a web worker starts, in the
    # background, so the first agent to type a matter does not wait. (Not in AppConfig.ready: every
    # manage.py command would pay for it.)
    from kefu.hotline.classifier import current_model

    current_model()


if os.environ.get("KEFU_WARM_CLASSIFIER", "true").lower() not in ("0", "false", "no"):
    threading.Thread(target=_warm_classifier, name="warm-classifier", daemon=True).start()
