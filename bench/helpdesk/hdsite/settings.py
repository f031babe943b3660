"""A minimal Django project around django-helpdesk, for the side-by-side benchmark with kefu
(bench/bench_vs_helpdesk.py). Runs only in var/helpdesk-venv (bench/helpdesk/setup.sh).

Configured as a production site would be, so that both sides are timed alike: DEBUG off (cached
template loader, no query log), persistent database connections (kefu keeps them 60 s too), the
same session, CSRF, auth and messages middleware, and the Server-Timing middleware first.
Outgoing e-mail goes to the dummy backend: helpdesk renders its notification mails on create, but
nothing is sent (kefu sends none on create either).
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR.parent.parent / "var" / "helpdesk"


def database_from_url(url: str) -> dict:
    """postgres://user:password@host:port/name -> a DATABASES entry (no dj-database-url needed)."""
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    }


SECRET_KEY = os.environ.get("HELPDESK_SECRET_KEY", "helpdesk-bench-only-not-a-secret")
DEBUG = os.environ.get("HELPDESK_DEBUG", "") in ("1", "true", "yes")
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
SITE_ID = 1

MIDDLEWARE = [
    "hdsite.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hdsite.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
WSGI_APPLICATION = "hdsite.wsgi.application"

DATABASES = {
    "default": database_from_url(
        os.environ.get("HELPDESK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/helpdesk_bench")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

LOGIN_URL = "helpdesk:login"
LOGIN_REDIRECT_URL = "/tickets/"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@example.com"

# django-helpdesk: no pinax-teams (an optional extra), staff UI and API on, everything else default.
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_KB_ENABLED = True
HELPDESK_USE_CDN = False
