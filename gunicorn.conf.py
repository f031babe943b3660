"""gunicorn settings for kefu in production: `gunicorn -c gunicorn.conf.py kefu.wsgi` (docs/DEPLOY.md).

Every value can be changed through the environment, so the systemd unit and the env file stay the only
places an operator edits.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers, one request at a time each: kefu's views are short database-bound requests, and nginx
# in front buffers slow clients, so a worker is never held by a slow network. 2 × cores + 1 is
# gunicorn's usual starting point; each worker keeps one PostgreSQL connection open (DB_CONN_MAX_AGE)
# plus one to the replica if configured, which is what max_connections must allow for.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A request that runs this long is stuck (the slowest export, a month's register, takes seconds).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = 5
# Recycle workers now and then, so that slow growth of memory (jieba's and scikit-learn's caches,
# fragmentation) never accumulates; the jitter keeps them from all restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = max_requests // 10
# Heartbeat files in memory: on a busy disk a late heartbeat looks like a hung worker and gets killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# No preload_app: kefu.wsgi starts a thread that loads the classifier, and a thread started before
# fork does not exist in the forked workers.

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Combined log format, then the client address the proxy saw and the response time in milliseconds
# (%(M)s), which is what one greps when agents say "the system is slow".
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" xff="%({x-forwarded-for}i)s" %(M)sms'
)
# The proxy on the same machine may tell gunicorn the original scheme (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "kefu-web"
# gunicorn's control socket (gunicornc) defaults to ~/.gunicorn/, which the systemd unit's ProtectHome
# hides; systemd's RuntimeDirectory= gives a private directory instead.
if os.environ.get("RUNTIME_DIRECTORY"):
    control_socket = os.path.join(os.environ["RUNTIME_DIRECTORY"], "gunicorn.ctl")


def on_starting(server):
    # The settings fall back to a development secret so that `make run` needs nothing; a production
    # server must not start on it (sessions and password-reset links would be forgeable).
    if not os.environ.get("SECRET_KEY") and os.environ.get("KEFU_ALLOW_DEV_SECRET") != "true":
        raise SystemExit("SECRET_KEY is not set: refusing to serve kefu with the development secret")
