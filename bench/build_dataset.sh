#!/usr/bin/env bash
# One command for the benchmark data set: 1,000,000 customers and 10,000,000 contacts over three years
# with their work orders, callbacks, return visits, telephony calls and 200,000 counter processes.
#
#   bench/build_dataset.sh                                   # kefu_bench, full size (about 1.5 hours)
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_quick CUSTOMERS=20000 CONTACTS=50000 \
#       PROCESSES=2000 bench/build_dataset.sh                # a quick check (a minute)
#
# Every step is skipped when its data is already there, so the command can be run again after an
# interruption; the hotline and call seeds resume where they stopped. Each step prints its time.
# Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/kefu_bench), CUSTOMERS
# (1000000), CONTACTS (10000000), MONTHS (36), PROCESSES (200000), PYTHON (.venv/bin/python).
set -euo pipefail

cd "$(dirname "$0")/.."
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kefu_bench}"
CUSTOMERS="${CUSTOMERS:-1000000}"
CONTACTS="${CONTACTS:-10000000}"
MONTHS="${MONTHS:-36}"
PROCESSES="${PROCESSES:-200000}"
PYTHON="${PYTHON:-.venv/bin/python}"

DB_NAME="${DATABASE_URL##*/}"
DB_NAME="${DB_NAME%%\?*}"
SERVER_URL="${DATABASE_URL%/*}"
BUILD_STARTED=$SECONDS

log() { printf '\n== %s  %s\n' "$(date -u +%H:%M:%S)" "$*"; }
sql() { psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -qAtc "$1"; }
count() { sql "SELECT count(*) FROM $1" 2>/dev/null || echo 0; }
exists() { [ "$(sql "SELECT to_regclass('$1') IS NOT NULL")" = "t" ]; }
timed() {
    local label=$1
    shift
    local started=$SECONDS
    "$@"
    printf '== %s: %d min %02d s\n' "$label" $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60))
}

log "database $DB_NAME: $CUSTOMERS customers, $CONTACTS contacts over $MONTHS months, $PROCESSES processes"
if [ "$(psql "$SERVER_URL/postgres" -qAtc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]; then
    log "create database $DB_NAME"
    psql "$SERVER_URL/postgres" -v ON_ERROR_STOP=1 -qc \
        "CREATE DATABASE \"$DB_NAME\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"
fi

if "$PYTHON" manage.py migrate --check >/dev/null 2>&1; then
    log "migrate: nothing to apply"
else
    log "migrate"
    timed migrate "$PYTHON" manage.py migrate
fi

customers=$(count customers_customer)
if [ "$customers" -ge "$CUSTOMERS" ]; then
    log "seed_demo: $customers customers there already (≥ $CUSTOMERS), skipped"
else
    log "seed_demo --customers $CUSTOMERS ($customers there)"
    timed seed_demo "$PYTHON" manage.py seed_demo --customers "$CUSTOMERS"
fi

# The hotline seed makes about --contacts contacts (9,907,505 for 10,000,000: its day plan rounds).
contacts=$(count hotline_contact)
hotline_done=0
if exists bench_hotline_seed_state; then
    log "seed_hotline_bench: resuming an unfinished load ($contacts contacts there)"
    timed seed_hotline_bench "$PYTHON" bench/seed_hotline_bench.py --contacts "$CONTACTS" --months "$MONTHS"
elif [ "$contacts" -ge $((CONTACTS * 95 / 100)) ]; then
    log "seed_hotline_bench: $contacts contacts there already, skipped"
    hotline_done=1
else
    log "seed_hotline_bench --contacts $CONTACTS --months $MONTHS --truncate ($contacts there)"
    timed seed_hotline_bench "$PYTHON" bench/seed_hotline_bench.py \
        --contacts "$CONTACTS" --months "$MONTHS" --truncate
fi

# New contacts need new calls: start the calls over unless the contacts were there before this run.
if [ "$hotline_done" = 1 ]; then
    log "seed_calls_bench (resumes, or does nothing when the calls are there)"
    timed seed_calls_bench "$PYTHON" bench/seed_calls_bench.py
else
    log "seed_calls_bench --truncate"
    timed seed_calls_bench "$PYTHON" bench/seed_calls_bench.py --truncate
fi

log "seed_processes_bench --processes $PROCESSES (does nothing when they are there)"
timed seed_processes_bench "$PYTHON" bench/seed_processes_bench.py --processes "$PROCESSES"

if "$PYTHON" manage.py help rebuild_kpi >/dev/null 2>&1; then
    log "rebuild_kpi"
    timed rebuild_kpi "$PYTHON" manage.py rebuild_kpi
else
    log "rebuild_kpi: no such command in this version, skipped"
fi

log "VACUUM ANALYZE"
timed "VACUUM ANALYZE" psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -qc "VACUUM ANALYZE"

log "done in $(((SECONDS - BUILD_STARTED) / 60)) min $(((SECONDS - BUILD_STARTED) % 60)) s; database size $(sql \
    "SELECT pg_size_pretty(pg_database_size(current_database()))")"
for table in customers_customer hotline_contact hotline_workorder hotline_callback hotline_returnvisit \
    telephony_call processes_process; do
    printf '  %-22s %12s rows\n' "$table" "$(count "$table")"
done
