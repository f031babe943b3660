#!/usr/bin/env bash
# The concurrent load: 50 simulated staff (bench/locustfile.py) against a production-style server
# (gunicorn, several workers, DEBUG off, static files through WhiteNoise) with the hotline worker
# running, for 10 minutes; then throughput, p50/p95/p99 per request and overall, and the errors.
# Exit status 1 when any request failed.
#
#   bench/run_load.sh                         # kefu_bench, 50 users, 10 minutes
#   DURATION=1m bench/run_load.sh             # a trial
#   DATABASE_URL=postgres://…/kefu_quick DURATION=2m bench/run_load.sh
#
# Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/kefu_bench), DURATION (10m),
# USERS (50: UNIT_STAFF 8, LEADERS 1, HEADS 1, the rest agents), SPAWN_RATE (5/s), WORKERS (4 gunicorn
# workers), PORT (8100), KPI (1: the department head also opens the /kpi/ dashboard), THINK_SCALE (1:
# multiplies every think time), POP_POLL_SECONDS (2: the workspace's screen-pop poll; 0 turns it off).
# Output in bench/out/: load_stats.csv and the rest of locust's CSV files, load.html, the server-side
# times (load_server_timing.csv), gunicorn.log, worker.log, locust.log, load_loadavg.txt.
# MEASURE_FROM_ALL_LOGGED_IN (1): the figures start when every user has logged in (the ramp-up's 50
# logins, Argon2 on purpose, are a burst of their own), and the run then lasts DURATION more (with
# MEASURE_FROM_ALL_LOGGED_IN=0 the figures include the ramp-up); errors (failed requests and
# exceptions in the users' tasks) are counted over the whole run.
set -euo pipefail

cd "$(dirname "$0")/.."
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kefu_bench}"
DURATION="${DURATION:-10m}"
USERS="${USERS:-50}"
SPAWN_RATE="${SPAWN_RATE:-5}"
WORKERS="${WORKERS:-4}"
PORT="${PORT:-8100}"
export UNIT_STAFF="${UNIT_STAFF:-8}" LEADERS="${LEADERS:-1}" HEADS="${HEADS:-1}"
export AGENTS=$((USERS - UNIT_STAFF - LEADERS - HEADS))
export KPI="${KPI:-0}" THINK_SCALE="${THINK_SCALE:-1}" POP_POLL_SECONDS="${POP_POLL_SECONDS:-2}"
case "$DURATION" in
*h) MEASURE_SECONDS=$((${DURATION%h} * 3600)) ;;
*m) MEASURE_SECONDS=$((${DURATION%m} * 60)) ;;
*s) MEASURE_SECONDS=${DURATION%s} ;;
*) MEASURE_SECONDS=$DURATION ;;
esac
RUN_TIME="${DURATION}"
if [ "${MEASURE_FROM_ALL_LOGGED_IN:-1}" = 1 ]; then
    export MEASURE_SECONDS
    RUN_TIME="$((MEASURE_SECONDS + 300))s" # a cap: the run ends DURATION after the last login
fi
OUT=bench/out
export LOAD_OUT="$PWD/$OUT"
mkdir -p "$OUT"
rm -f "$OUT"/load_*.csv "$OUT"/load_*.json "$OUT"/load.html

if [ ! -x .venv/bin/locust ]; then
    echo "Installing locust (requirements/bench.txt) into .venv"
    .venv/bin/pip install -q -r requirements/bench.txt
fi

# Production-style settings: the same environment variables a deployment sets.
export DEBUG=false
export SECRET_KEY="${SECRET_KEY:-load-test-secret-key-$(date +%s)-not-for-production}"
export ALLOWED_HOSTS=127.0.0.1
export LOG_LEVEL=WARNING

.venv/bin/python bench/locustfile.py --prepare

pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    .venv/bin/python bench/locustfile.py --revoke || true
}
trap cleanup EXIT

.venv/bin/gunicorn kefu.wsgi --workers "$WORKERS" --bind "127.0.0.1:$PORT" --timeout 120 \
    --graceful-timeout 10 >"$OUT/gunicorn.log" 2>&1 &
pids+=($!)
.venv/bin/python manage.py worker --interval 30 >"$OUT/worker.log" 2>&1 &
pids+=($!)
up=0
for _ in $(seq 60); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/login/")" = 200 ]; then
        up=1
        break
    fi
    sleep 1
done
if [ "$up" != 1 ]; then
    echo "gunicorn did not answer on port $PORT within 60 s; see $OUT/gunicorn.log" >&2
    exit 1
fi

# Every 5 s: the load average, and every process's CPU seconds (a process's last sample is close to
# its total, so that database backends that come and go are counted too).
rm -f "$OUT/load_loadavg.txt" "$OUT/load_cpu_samples.txt"
(while true; do
    echo "$(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/load_loadavg.txt"
    ps -eo pid=,times=,args= >>"$OUT/load_cpu_samples.txt"
    echo "--" >>"$OUT/load_cpu_samples.txt"
    sleep 5
done) &
pids+=($!)
ps -eo pid=,times=,args= >"$OUT/load_cpu_start.txt"
head -1 /proc/stat >>"$OUT/load_cpu_start.txt"

echo "Load: $USERS users ($AGENTS agents, $UNIT_STAFF unit staff, $LEADERS leader, $HEADS head) for $DURATION" \
    "against gunicorn ($WORKERS workers) on $DATABASE_URL; KPI=$KPI; load average $(cut -d' ' -f1-3 /proc/loadavg)"
locust_status=0
/usr/bin/time -o "$OUT/load_locust_cpu.txt" -f "%U %S" \
    .venv/bin/locust -f bench/locustfile.py --headless -u "$USERS" -r "$SPAWN_RATE" -t "$RUN_TIME" \
    --host "http://127.0.0.1:$PORT" --csv "$OUT/load" --html "$OUT/load.html" --only-summary \
    --stop-timeout 30 >"$OUT/locust.log" 2>&1 || locust_status=$?

ps -eo pid=,times=,args= >"$OUT/load_cpu_end.txt"
head -1 /proc/stat >>"$OUT/load_cpu_end.txt"

status=0
.venv/bin/python - "$OUT" "$locust_status" "${DATABASE_URL##*/}" <<'EOF' || status=1
"""Throughput, p50/p95/p99 per request name and overall, the errors, the server-side times, the CPU."""
import csv
import json
import re
import sys
from pathlib import Path

out, locust_status, database = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split("?")[0]
rows = list(csv.DictReader((out / "load_stats.csv").open()))
server = {r["Name"]: r for r in csv.DictReader((out / "load_server_timing.csv").open())} if (
    out / "load_server_timing.csv"
).exists() else {}
total = next(r for r in rows if r["Name"] == "Aggregated")
print(f"\n{'request':<48} {'count':>7} {'req/s':>6} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6}"
      f"   server {'p50':>6} {'p95':>6} {'p99':>6}")
for r in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", -int(r["Request Count"]))):
    if not int(r["Request Count"]):
        continue
    name = r["Name"] if r["Name"] == "Aggregated" else f"{r['Type']} {r['Name']}"
    s = server.get(r["Name"], {})
    print(
        f"{name[:48]:<48} {int(r['Request Count']):>7,} {float(r['Requests/s']):>6.2f} {int(r['Failure Count']):>5} "
        f"{r['50%']:>6} {r['95%']:>6} {r['99%']:>6}   server {s.get('p50 ms', ''):>6} {s.get('p95 ms', ''):>6} "
        f"{s.get('p99 ms', ''):>6}"
    )
print("(ms, measured by the load generator; 'server' = the Server-Timing header, the time inside Django)")
failures = list(csv.DictReader((out / "load_failures.csv").open())) if (out / "load_failures.csv").exists() else []
for f in failures:
    print(f"FAILED {f['Occurrences']}× {f['Method']} {f['Name']}: {f['Error'][:200]}")
refusals = json.loads((out / "load_refusals.json").read_text()) if (out / "load_refusals.json").exists() else {}
for name, r in refusals.items():
    print(f"expected, not an error: {r['count']}× {name} — e.g. {r['examples'][:1]}")
log = (out / "gunicorn.log").read_text(errors="replace")
server_errors = len(re.findall(r"Internal Server Error|Traceback \(most recent call last\)", log))
if server_errors:
    print(f"gunicorn.log: {server_errors} server errors or tracebacks")

def processes(lines):
    procs = {}
    for line in lines:
        parts = line.split(None, 2)
        if len(parts) >= 2 and parts[1].isdigit():
            procs[parts[0]] = (int(parts[1]), parts[2] if len(parts) > 2 else "")
    return procs

def cpu(path):
    lines = path.read_text().splitlines()
    return [int(x) for x in lines[-1].split()[1:]], processes(lines[:-1])

(stat0, procs0), (stat1, procs1) = cpu(out / "load_cpu_start.txt"), cpu(out / "load_cpu_end.txt")
samples = out / "load_cpu_samples.txt"
if samples.exists():  # the largest CPU time seen of every process, ended ones included
    for block in samples.read_text().split("--\n"):
        for pid, (seconds, args) in processes(block.splitlines()).items():
            if seconds > procs1.get(pid, (-1, ""))[0]:
                procs1[pid] = (seconds, args)
busy = lambda s: sum(s) - s[3] - s[4]  # noqa: E731  (idle, iowait)
elapsed = (sum(stat1) - sum(stat0)) or 1
by_group = {}
for pid, (seconds, args) in procs1.items():
    group = ((f"postgres {database}" if f" {database} " in args else "postgres, other databases and background")
             if args.startswith("postgres") else "gunicorn" if "gunicorn" in args
             else "locust" if "locust" in args else "worker" if "manage.py worker" in args else "other")
    by_group[group] = by_group.get(group, 0) + seconds - procs0.get(pid, (0, ""))[0]
if (out / "load_locust_cpu.txt").exists():  # locust itself, measured by /usr/bin/time
    by_group["locust"] = round(sum(float(x) for x in (out / "load_locust_cpu.txt").read_text().split()[-2:]))
print(
    f"CPU busy {100 * (busy(stat1) - busy(stat0)) / elapsed:.0f} % of the machine "
    f"({(busy(stat1) - busy(stat0)) / 100:.0f} CPU seconds); CPU seconds by process (sampled every 5 s): "
    + ", ".join(f"{g} {s}" for g, s in sorted(by_group.items(), key=lambda x: -x[1]))
)
loads = [float(line.split()[1]) for line in (out / "load_loadavg.txt").read_text().splitlines() if line.strip()]
if loads:
    print(f"load average (1 min) during the run: mean {sum(loads) / len(loads):.2f}, max {max(loads):.2f}")
errors = json.loads((out / "load_errors.json").read_text()) if (out / "load_errors.json").exists() else {}
if errors.get("count"):
    print(f"errors over the whole run, ramp-up included: {errors['count']} — {errors['examples'][:3]}")
failed = int(total["Failure Count"]) + int(errors.get("count", 0))
log_locust = (out / "locust.log").read_text(errors="replace")
print(
    f"\nOverall: {int(total['Request Count']):,} requests, {float(total['Requests/s']):.2f} req/s, "
    f"p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms; failures {failed}"
    + ("; statistics from the moment all users had logged in" if "statistics reset" in log_locust else "")
)
sys.exit(1 if failed or server_errors or locust_status not in (0, 1) else 0)
EOF
exit "$status"
