"""kefu settings, read from the environment.

SQLite (a file under var/) is the default so that one command runs the system on a fresh machine;
DATABASE_URL=postgres://… switches to PostgreSQL through psycopg 3, which is what production uses.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KEFU_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


SECRET_KEY = os.environ.get("SECRET_KEY", "kefu-development-only-secret-change-me-in-production")
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Only so that the API docs (/api/docs) use ninja's bundled Swagger UI, not a CDN the CSP refuses.
    "ninja",
    "axes",
    "kefu.core",
    "kefu.accounts",
    "kefu.customers",
    "kefu.hotline",
    "kefu.telephony",
    "kefu.knowledge",
    "kefu.workforce",
    "kefu.meters",
    "kefu.quality",
    "kefu.archives",
    "kefu.inspection",
    "kefu.fulltext",
    "kefu.reports",
    "kefu.collection",
    "kefu.processes",
    "kefu.incidents",
    "kefu.kpi",
]

MIDDLEWARE = [
    "kefu.core.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kefu.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kefu.core.middleware.RejectControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Login is required everywhere except the few views marked public (health check, login).
    "kefu.core.middleware.LoginRequiredMiddleware",
    # Last, so that it sees the final response of a failed login.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy of every response (kefu.core.middleware; the same in deploy/nginx.conf.example).
# Scripts only from kefu's own files: htmx, ECharts and Swagger UI are vendored, and no template has an
# inline script or on*= handler (the print buttons use static/kefu/print.js). Styles allow 'unsafe-inline'
# on purpose: templates use style="…" attributes, htmx adds its indicator <style>, ECharts and Swagger UI
# style their tooltips inline; inline style cannot run code, and the script rules are what stop XSS.
# img-src data: for the icons Swagger UI and ECharts draw as data: URLs. No frames, no plugins.
KEFU_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

ROOT_URLCONF = "kefu.urls"
WSGI_APPLICATION = "kefu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kefu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kefu.core.context_processors.navigation",
                "kefu.core.context_processors.alerts",
            ],
        },
    },
]

(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kefu.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Our backend only adds a UTF-8 locale to CREATE DATABASE: in a 'C'-locale database PostgreSQL's
    # trigram and text search silently ignore Chinese characters.
    DATABASES["default"]["ENGINE"] = "kefu.core.db.postgresql"
    DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL and a busy timeout let the web process and commands share the file.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Repeated failed logins lock, for the cool-off, first the username from the guessing address, then
# the whole account (kefu/accounts/lockout.py). Locking by username alone let a stranger lock any agent
# out with five guesses; locking by address alone would lock a whole floor, since a center's agents
# share one outgoing address. So: 5 failures lock that username from that address only, 20 failures
# from any addresses together lock the account. The user agent is not a parameter: an attacker
# changes it at will. A successful login clears the username's counts (the holder has proved who they
# are). Administrators see and lift the locks at /org/lockouts/.
AXES_ADDRESS_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
KEFU_LOCKOUT_ACCOUNT_LIMIT = envint("KEFU_LOCKOUT_ACCOUNT_LIMIT", 20)
AXES_FAILURE_LIMIT = "kefu.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
# A refused try during a lock is recorded too and renews that address's cool-off (axes' default, kept
# on purpose: a stranger who goes on guessing stays locked out). It cannot spill over to the account:
# each address counts at most AXES_FAILURE_LIMIT failures toward the account's total (lockout.py).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = envbool("AXES_ENABLED", True)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "kefu" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = True  # serve app static files without a collectstatic step in development
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 12 * 3600)  # one shift

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # The default outside channel of alerts (kefu.core.channels.LoggingChannel): one line per alert.
    "loggers": {"kefu.alerts": {"level": os.environ.get("ALERTS_LOG_LEVEL", "INFO")}},
}

# Where alerts of the kinds in rule core.alert_outside_kinds go besides the bell: dotted paths of
# classes with send(alert) (kefu.core.channels). An SMS or WeChat gateway adapter is added here.
KEFU_ALERT_CHANNELS = ["kefu.core.channels.LoggingChannel"]

NINJA_PAGINATION_PER_PAGE = 20

# "limits" counts each user's number searches a minute (policy customers.search_per_minute). In the
# database, so that every gunicorn worker counts against the same figure; its table is made by the
# customers migrations (0007). Other caching stays in each process's memory.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "limits": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kefu_limits"},
}

# ---------------------------------------------------------------------------------------------------
# Production and scaling (docs/DEPLOY.md lists every variable, docs/SCALING.md explains the replica).
# ---------------------------------------------------------------------------------------------------
KEFU_CLASSIFIER_PATH = os.environ.get("KEFU_CLASSIFIER_PATH") or None

if DATABASES["default"]["ENGINE"] == "kefu.core.db.postgresql":
    # A persistent connection dropped by a PostgreSQL restart or failover would fail the first request
    # that reuses it; the check costs one round trip when a request starts with an idle connection.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = envbool("DB_CONN_HEALTH_CHECKS", True)

if os.environ.get("KEFU_REPLICA_URL"):
    # A streaming replica of the primary. Only code inside kefu.core.db_routing.reporting_reads() reads
    # from it (reports and dashboards); writes and every other read stay on default.
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["KEFU_REPLICA_URL"], conn_max_age=envint("DB_CONN_MAX_AGE", 60)
    )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"]["ENGINE"] = "kefu.core.db.postgresql"
        DATABASES["replica"]["CONN_HEALTH_CHECKS"] = envbool("DB_CONN_HEALTH_CHECKS", True)
    # Tests have no replica: the alias becomes a second connection to the test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["kefu.core.db_routing.ReplicaRouter"]

# Behind a reverse proxy that terminates TLS. Not tied to DEBUG: `make run` serves DEBUG=false over
# plain http on 127.0.0.1, where secure cookies would make logging in impossible.
if envbool("KEFU_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Trust X-Forwarded-Proto only with KEFU_HTTPS: the proxy must overwrite it (deploy/nginx.conf.example).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)

# Behind a reverse proxy, with or without TLS, REMOTE_ADDR is the proxy for every request: the login
# lockout's per-address tier would become per-username. The client's address then comes from the
# proxy's X-Real-IP, which it overwrites (deploy/nginx.conf.example). Without a proxy the header is
# whatever the client sends, so it is trusted only when this is on. The https proxy implies it.
if envbool("KEFU_BEHIND_PROXY", envbool("KEFU_HTTPS", False)):
    AXES_CLIENT_IP_CALLABLE = "kefu.accounts.lockout.address_behind_proxy"

# Hashed, compressed static file names after collectstatic, so that the proxy and browsers may cache
# them for long. Opt-in, because without a collectstatic run every page would fail on a missing entry
# (the tests and `make run` do not collect).
if envbool("KEFU_STATIC_MANIFEST", False):
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
