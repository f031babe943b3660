#!/usr/bin/env bash
# The first quick-start command: install, migrate, load the demo water utility, serve on :8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
PY=.venv/bin/python
export DEBUG=${DEBUG:-false}
echo "==> database: ${DATABASE_URL:-SQLite file var/kefu.sqlite3}"
$PY manage.py migrate --noinput
$PY manage.py seed_demo --customers "${KEFU_DEMO_CUSTOMERS:-10000}"
# The background worker: every job the apps register (deadline and callback alerts, escalation level
# by level (W3, H9), the KPI rollups, the counter's daily jobs, the report documents).
$PY manage.py worker --interval "${KEFU_WORKER_INTERVAL:-30}" &
WORKER_PID=$!
trap 'kill $WORKER_PID 2>/dev/null || true' EXIT INT TERM
echo
echo "kefu 已启动：http://127.0.0.1:8000/   （按 Ctrl+C 停止）"
# Every demo login, from the one list the demo organisation is made from (kefu/accounts/demo.py).
$PY manage.py shell -v 0 -c "from kefu.accounts.demo import DEMO_PASSWORD, demo_logins
print(f'演示账号（密码均为 {DEMO_PASSWORD}）：')
print('\n'.join(f'  {user:<12}{role}' for user, role in demo_logins()))"
cat <<'TXT'
热线工作台：http://127.0.0.1:8000/hotline/   （后台工单时限扫描已随之启动）
接口文档：http://127.0.0.1:8000/api/docs    健康检查：http://127.0.0.1:8000/api/health

TXT
$PY manage.py runserver --noreload 127.0.0.1:8000
