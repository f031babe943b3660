#!/usr/bin/env bash
# Restore a scripts/backup.sh archive into a NEW database and verify it. Never overwrites: the target
# must not exist, so a mistyped name cannot wipe the production database.
#
# Usage: scripts/restore.sh ARCHIVE postgres://user@host:5432/NEW_NAME
# Environment: KEFU_RESTORE_JOBS (2) parallel pg_restore jobs; KEFU_DB_LOCALE (C.UTF-8). docs/DEPLOY.md.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: scripts/restore.sh ARCHIVE postgres://user@host:5432/NEW_NAME" >&2
  exit 2
fi
archive=$1
target=$2
locale=${KEFU_DB_LOCALE:-C.UTF-8}
name=${target##*/}
name=${name%%\?*}
# Any database on the same server will do to issue CREATE DATABASE; "postgres" always exists.
maintenance="${target%/*}/postgres"
case "$target" in *\?*) maintenance="$maintenance?${target#*\?}" ;; esac
if ! [[ "$name" =~ ^[A-Za-z0-9_]+$ ]]; then
  echo "the new database's name may hold letters, digits and _ only: $name" >&2
  exit 2
fi
if [ ! -f "$archive" ]; then
  echo "no such archive: $archive" >&2
  exit 2
fi
if [ -f "$archive.sha256" ]; then
  (cd "$(dirname "$archive")" && sha256sum --check --quiet "$(basename "$archive").sha256")
fi

exists=$(psql --no-psqlrc -X -At -d "$maintenance" -c "SELECT 1 FROM pg_database WHERE datname = '$name'")
if [ -n "$exists" ]; then
  echo "database $name already exists: restore into a new database, then rename or repoint" >&2
  exit 1
fi
# template0 and a UTF-8 locale, as kefu.core.db.postgresql creates them: in a 'C'-locale database
# pg_trgm and text search silently ignore Chinese characters, and search would find nothing.
psql --no-psqlrc -X -q -v ON_ERROR_STOP=1 -d "$maintenance" \
  -c "CREATE DATABASE \"$name\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE '$locale' LC_CTYPE '$locale'"
trap 'echo "restore failed; the incomplete database $name is left for inspection (dropdb it when done)" >&2' ERR

# --no-owner: objects belong to whoever restores, so an archive from another server (other role
# names) restores as is. Parallel jobs rebuild the large indexes side by side.
pg_restore --no-password --no-owner --exit-on-error --jobs="${KEFU_RESTORE_JOBS:-2}" --dbname="$target" "$archive"

# Verification: every table of the archive is there, the migration history came along, and the
# planner has statistics (pg_restore does not ANALYZE; without it the first queries plan badly).
expected=$(pg_restore --list "$archive" | awk '$4 == "TABLE" && $5 != "DATA" {print $5 "." $6}' | sort)
restored=$(psql --no-psqlrc -X -At -d "$target" -c "SELECT schemaname || '.' || tablename FROM pg_tables
  WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1" | sort)
if [ "$expected" != "$restored" ]; then
  echo "tables differ between the archive and the restored database:" >&2
  diff <(echo "$expected") <(echo "$restored") >&2 || true
  exit 1
fi
migrations=$(psql --no-psqlrc -X -At -d "$target" -c "SELECT count(*) FROM django_migrations")
if [ "$migrations" -eq 0 ]; then
  echo "the restored database has no migration history" >&2
  exit 1
fi
psql --no-psqlrc -X -q -d "$target" -c "ANALYZE"
echo "restored $name: $(echo "$expected" | wc -l) tables, $migrations migrations; largest tables:"
psql --no-psqlrc -X -At -F ' ' -d "$target" -c "SELECT relname, reltuples::bigint FROM pg_class
  WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY reltuples DESC LIMIT 8" |
  sed 's/^/  /'

# Whether this checkout of kefu can serve the restored database as is (an older archive needs migrate).
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ -x "$repo/.venv/bin/python" ]; then
  if DATABASE_URL=$target KEFU_REPLICA_URL= "$repo/.venv/bin/python" "$repo/manage.py" migrate --check >/dev/null 2>&1
  then
    echo "schema matches this version of kefu (manage.py migrate --check)"
  else
    echo "manage.py migrate --check did not pass: migrate the restored database (or see why) before serving"
  fi
fi
