"""Production switches read from the environment (kefu/settings.py's last block, gunicorn.conf.py).

Settings are read once per process, so each case loads them in a child process with its own env.
"""

import json
import os
import runpy
import subprocess
import sys

import pytest
from django.conf import settings

PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "staticfiles": settings.STORAGES["staticfiles"]["BACKEND"],
    "classifier": settings.KEFU_CLASSIFIER_PATH,
    "routers": settings.DATABASE_ROUTERS,
    "replica": settings.DATABASES.get("replica", {}),
    "client_address": getattr(settings, "AXES_CLIENT_IP_CALLABLE", None),
}, default=str))
"""


def settings_with(**env: str) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KEFU_HTTPS", "KEFU_BEHIND_PROXY", "KEFU_REPLICA_URL", "KEFU_STATIC_MANIFEST")
    }
    child = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + PRINT_SETTINGS],
        env={**clean, "DJANGO_SETTINGS_MODULE": "kefu.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 0, child.stderr
    return json.loads(child.stdout.strip().splitlines()[-1])


def test_by_default_cookies_work_over_plain_http_and_there_is_no_replica():
    loaded = settings_with()
    assert loaded["session_secure"] is False and loaded["csrf_secure"] is False
    assert loaded["proxy_header"] is None
    assert loaded["routers"] == [] and loaded["replica"] == {}
    assert loaded["staticfiles"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_behind_https_cookies_are_secure_and_the_proxy_scheme_is_trusted():
    loaded = settings_with(KEFU_HTTPS="true", SECURE_HSTS_SECONDS="31536000")
    assert loaded["session_secure"] is True and loaded["csrf_secure"] is True
    assert loaded["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert loaded["hsts"] == 31536000


PROXIED_ADDRESS = "kefu.accounts.lockout.address_behind_proxy"


def test_behind_a_plain_http_proxy_the_lockout_takes_the_clients_address_from_the_proxy():
    # given nginx in front without TLS (every request reaches gunicorn from 127.0.0.1)
    # when the settings load with KEFU_BEHIND_PROXY alone
    loaded = settings_with(KEFU_BEHIND_PROXY="true")
    # then the login lockout reads the client's address from X-Real-IP, and cookies stay plain
    assert loaded["client_address"] == PROXIED_ADDRESS
    assert loaded["session_secure"] is False and loaded["proxy_header"] is None


def test_behind_the_https_proxy_the_clients_address_comes_from_the_proxy_unless_switched_off():
    assert settings_with(KEFU_HTTPS="true")["client_address"] == PROXIED_ADDRESS
    assert settings_with(KEFU_HTTPS="true", KEFU_BEHIND_PROXY="false")["client_address"] is None


def test_without_a_proxy_the_lockout_takes_the_connections_own_address():
    # X-Real-IP is then whatever the client sends: trusting it would let a stranger pick any address
    assert settings_with()["client_address"] is None


def test_a_replica_url_adds_the_replica_alias_and_the_router():
    loaded = settings_with(
        DATABASE_URL="postgres://kefu@db1.example.cn:5432/kefu",
        KEFU_REPLICA_URL="postgres://kefu@db2.example.cn:5433/kefu",
    )
    assert loaded["routers"] == ["kefu.core.db_routing.ReplicaRouter"]
    replica = loaded["replica"]
    assert replica["ENGINE"] == "kefu.core.db.postgresql"
    assert (replica["HOST"], replica["PORT"]) == ("db2.example.cn", 5433)
    assert replica["TEST"]["MIRROR"] == "default"  # tests have no replica: a second connection to default
    assert replica["CONN_HEALTH_CHECKS"] is True


def test_hashed_static_files_and_the_classifier_path_come_from_the_environment():
    loaded = settings_with(KEFU_STATIC_MANIFEST="true", KEFU_CLASSIFIER_PATH="/var/lib/kefu/model.joblib")
    assert loaded["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert loaded["classifier"] == "/var/lib/kefu/model.joblib"


def test_gunicorn_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("KEFU_ALLOW_DEV_SECRET", raising=False)
    config = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
    with pytest.raises(SystemExit, match="SECRET_KEY"):
        config["on_starting"](None)
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    config["on_starting"](None)
