#!/usr/bin/env bash
# Sets up django-helpdesk beside kefu for bench/bench_vs_helpdesk.py:
#   - a virtualenv of its own at var/helpdesk-venv (kefu's .venv is not touched), with django-helpdesk
#     and its dependencies from PyPI as pinned in bench/helpdesk/requirements.txt;
#   - its own database on the same PostgreSQL server (HELPDESK_DATABASE_URL, default helpdesk_bench),
#     created if missing, and migrated.
# Then load tickets:  var/helpdesk-venv/bin/python bench/helpdesk/load_tickets.py --tickets 1000000
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/bench/helpdesk"
VENV="$ROOT/var/helpdesk-venv"
export HELPDESK_DATABASE_URL="${HELPDESK_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/helpdesk_bench}"

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
echo "django-helpdesk $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("django-helpdesk"))')"

# The database name is the URL's path; the server is the same URL with the maintenance database.
DB_NAME="${HELPDESK_DATABASE_URL##*/}"
DB_NAME="${DB_NAME%%\?*}"
SERVER_URL="${HELPDESK_DATABASE_URL%/*}/postgres"
if [ "$(psql "$SERVER_URL" -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != "1" ]; then
    # UTF-8 explicitly: the titles and descriptions are Chinese.
    psql "$SERVER_URL" -c "CREATE DATABASE \"$DB_NAME\" TEMPLATE template0 ENCODING 'UTF8'"
fi

cd "$HERE"
"$VENV/bin/python" manage.py migrate --no-input -v 1
echo "helpdesk ready on $HELPDESK_DATABASE_URL"
