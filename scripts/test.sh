#!/usr/bin/env bash
# The second quick-start command: install what the tests need, then run the whole suite (browser
# tests included) on SQLite, and again on PostgreSQL when one is reachable.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test
PY=.venv/bin/python

# Debian's Chromium (Playwright's own browser download does not work here) and CJK fonts, without
# which screenshots show boxes instead of Chinese.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
# pdftoppm turns a printed form's PDF into a picture so a test can see the Chinese was drawn.
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  echo "==> installing ${need[*]} from Debian"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "==> lint, import contracts (the apps' layers, [tool.importlinter] in pyproject.toml) and migrations check"
$PY -m ruff check kefu bench
.venv/bin/lint-imports
DATABASE_URL= $PY manage.py makemigrations --check --dry-run >/dev/null

status=0
echo "==> test suite on SQLite"
DATABASE_URL= $PY -m pytest "$@" || status=1

pg_url=${DATABASE_URL:-}
if [ -z "$pg_url" ] && $PY - <<'PYEOF'
import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(s.connect_ex(("127.0.0.1", 5432)))
PYEOF
then
  pg_url="postgres://postgres@127.0.0.1:5432/kefu"
fi
if [ -n "$pg_url" ]; then
  echo "==> test suite on PostgreSQL ($pg_url, test database created in a UTF-8 locale)"
  DATABASE_URL=$pg_url $PY -m pytest --create-db "$@" || status=1
else
  echo "==> no PostgreSQL reachable on 127.0.0.1:5432 and no DATABASE_URL: skipped the PostgreSQL run"
fi
exit $status
