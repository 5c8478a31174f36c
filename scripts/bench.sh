#!/usr/bin/env bash
# Reproduces every figure in BENCHMARKS.md with public tools. Run from anywhere:
#
#   scripts/bench.sh [all|criterion|load|journal|startup]...      (default: all)
#
#   criterion  cargo bench: one frame of the main screen (benches/render.rs), loading and
#              saving a 1,000-answer / 1,000-evidence dossier (benches/dossier.rs).
#   load       the evidence API under load from wrk in a second process on loopback, side by
#              side with a plain hyper server (examples/hyper_ceiling.rs, the ceiling) and
#              json-server from npm (a well-known mock server): requests/s, p99 latency and the
#              server's CPU time per request. Also examples/axum_floor.rs, the evidence API's
#              framework and hardening without its work, to show where the gap comes from.
#   journal    the journal's timing error against a client sleeping known intervals
#              (tests/journal_timing.rs with tests/peers/sleeper_client.py), JOURNAL_RUNS times.
#   startup    time from launch of `certcockpit review` to the first drawn frame on a 120x40
#              pseudo-terminal, and resident memory (VmRSS/VmHWM), STARTUP_RUNS times; and the
#              resident memory of the evidence API idle and after the load run.
#
# Knobs (environment): DURATION (s per load run, default 10), WARMUP (s, 2), CONNECTIONS (32),
# WRK_THREADS (1), ROUNDS (load rounds, servers interleaved, 3), JOURNAL_RUNS (10),
# STARTUP_RUNS (20), JSON_SERVER_VERSION (0.17.4).
#
# Needs: cargo, python3, node + npm, wrk (Debian: apt-get install -y wrk). json-server is
# installed with npm into target/bench-npm (ignored by git, never committed). Everything
# listens on 127.0.0.1 only. Results are printed and also written to target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-32}
WRK_THREADS=${WRK_THREADS:-1}
ROUNDS=${ROUNDS:-3}
JOURNAL_RUNS=${JOURNAL_RUNS:-10}
STARTUP_RUNS=${STARTUP_RUNS:-20}
JSON_SERVER_VERSION=${JSON_SERVER_VERSION:-0.17.4}

OUT=target/bench
mkdir -p "$OUT"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*"; }

machine() {
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "rustc: $(rustc --version)"
}

criterion() {
  say "criterion (cargo bench)"
  for b in render dossier; do
    cargo bench --bench "$b" 2>&1 | tee "$OUT/criterion-$b.txt" | grep -E '^[a-z_0-9]+$|time:'
  done
}

# Starts a server whose first stdout lines are KEY=VALUE (BASE_URL, maybe TOKEN); sources them.
start_server() {
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  PIDS+=($!)
  SERVER_PID=$!
  for _ in $(seq 100); do
    grep -q '^BASE_URL=' "$log" 2>/dev/null && break
    sleep 0.05
  done
  # shellcheck disable=SC1090
  source <(grep -E '^(BASE_URL|TOKEN)=' "$log")
}

# CPU time (user + system, clock ticks) a process has used.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# wrk output, server CPU ticks used -> "RPS P99_MS NON2XX ERRORS CPU_US_PER_REQUEST"
parse_wrk() {
  python3 - "$1" "$2" "$(getconf CLK_TCK)" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
ticks, hz = int(sys.argv[2]), int(sys.argv[3])
total = int(re.search(r"(\d+) requests in", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
err = re.search(r"Socket errors:.*", text)
print(f"{rps:.0f} {p99:.2f} {bad.group(1) if bad else 0} {'errors' if err else 'ok'} {ticks / hz * 1e6 / total:.1f}")
PY
}

# load_one NAME URL ROUND PID [wrk options]: warm up, then one measured run; the server's CPU
# time per request is robust to a shared machine where req/s is not.
load_one() {
  local name=$1 url=$2 round=$3 pid=$4 before; shift 4
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$@" "$url" >/dev/null
  before=$(cpu_ticks "$pid")
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" >"$OUT/wrk-$name-$round.txt"
  echo "$name $round $(parse_wrk "$OUT/wrk-$name-$round.txt" $(($(cpu_ticks "$pid") - before)))" \
    | tee -a "$OUT/load.txt"
}

load() {
  say "load: wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s (after ${WARMUP}s warm-up), $ROUNDS rounds"
  command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
  cargo build --release --quiet --example evidence_api --example hyper_ceiling --example axum_floor
  if [ ! -x target/bench-npm/node_modules/.bin/json-server ]; then
    npm install --silent --no-audit --no-fund --prefix target/bench-npm "json-server@$JSON_SERVER_VERSION"
  fi
  # The same five items the evidence API serves on its first page.
  python3 -c 'import json; print(json.dumps({"items": [{"id": "item-%04d" % n, "name": "Sample item %d" % n} for n in range(1, 6)]}))' \
    >"$OUT/db.json"
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

  start_server "$OUT/ceiling.log" target/release/examples/hyper_ceiling
  local ceiling_url="$BASE_URL/items" ceiling_pid=$SERVER_PID
  start_server "$OUT/floor.log" target/release/examples/axum_floor
  local floor_url="$BASE_URL/items" floor_pid=$SERVER_PID
  start_server "$OUT/api.log" target/release/examples/evidence_api
  local api_url="$BASE_URL/items" api_pid=$SERVER_PID api_token=$TOKEN
  target/bench-npm/node_modules/.bin/json-server --quiet --host 127.0.0.1 --port "$port" "$OUT/db.json" \
    >"$OUT/json-server.log" 2>&1 &
  PIDS+=($!)
  local mock_pid=$!
  local mock_url="http://127.0.0.1:$port/items"
  for _ in $(seq 100); do curl -sf -o /dev/null "$mock_url" && break; sleep 0.1; done
  # Every server must answer 200 with JSON before it is measured.
  curl -sf -o /dev/null "$ceiling_url"
  curl -sf -o /dev/null "$floor_url"
  curl -sf -o /dev/null -H "Authorization: Bearer $api_token" "$api_url"
  curl -sf -o /dev/null "$mock_url"

  echo "evidence API idle: $(grep -E 'VmRSS' /proc/"$api_pid"/status | tr -s ' \t' ' ')" | tee "$OUT/api-rss.txt"
  : >"$OUT/load.txt"
  for round in $(seq "$ROUNDS"); do
    load_one hyper_ceiling "$ceiling_url" "$round" "$ceiling_pid"
    load_one axum_floor "$floor_url" "$round" "$floor_pid"
    load_one evidence_api "$api_url" "$round" "$api_pid" -H "Authorization: Bearer $api_token"
    load_one json_server "$mock_url" "$round" "$mock_pid"
  done
  echo "evidence API after the load: $(grep -E 'VmRSS|VmHWM' /proc/"$api_pid"/status | tr -s ' \t' ' ' | paste -sd' ')" \
    | tee -a "$OUT/api-rss.txt"
  python3 - "$OUT/load.txt" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, _, rps, p99, bad, err, cpu = line.split()
    rows.setdefault(name, []).append((float(rps), float(p99), int(bad), err, float(cpu)))
med = lambda name, i: statistics.median(r[i] for r in rows[name])
ceiling = med("hyper_ceiling", 0)
print(f"\n{'server':<16}{'req/s':>10}{'p99 ms':>10}{'of ceiling':>12}{'CPU us/req':>12}  non-2xx  (medians of the rounds)")
for name in ("hyper_ceiling", "axum_floor", "evidence_api", "json_server"):
    rps, p99, cpu = med(name, 0), med(name, 1), med(name, 4)
    bad = sum(r[2] for r in rows[name])
    print(f"{name:<16}{rps:>10.0f}{p99:>10.2f}{rps / ceiling:>11.0%}{cpu:>12.1f}  {bad}")
PY
  cleanup
  PIDS=()
}

journal() {
  say "journal timing error: $JOURNAL_RUNS runs of tests/journal_timing.rs"
  python3 -c 'import http.client' # the peer uses only the standard library
  : >"$OUT/journal.txt"
  for _ in $(seq "$JOURNAL_RUNS"); do
    cargo test --release --quiet --test journal_timing -- --nocapture 2>&1 | grep -E '^(journal|client|error)' \
      >>"$OUT/journal.txt"
  done
  python3 - "$OUT/journal.txt" <<'PY'
import re, statistics, sys
text = open(sys.argv[1]).read()
def floats(label):
    return [[float(x) for x in re.findall(r"-?[\d.]+", m)] for m in re.findall(rf"^{label} gaps\s+\(ms\): \[(.*)\]", text, re.M)]
journal, client = floats("journal"), floats("client")
intended = [50.0, 100.0, 200.0] * 3
vs_client = [abs(j - c) for js, cs in zip(journal, client) for j, c in zip(js, cs)]
vs_intended = [abs(j - i) for js in journal for j, i in zip(js, intended)]
print(f"{len(journal)} runs, {len(vs_client)} gaps")
for name, v in (("vs the client's own send times", vs_client), ("vs the intended intervals", vs_intended)):
    print(f"error {name}: median {statistics.median(v):.3f} ms, p90 {statistics.quantiles(v, n=10)[-1]:.3f} ms, max {max(v):.3f} ms")
PY
}

startup() {
  say "start-up to the first frame and resident memory: $STARTUP_RUNS runs"
  cargo build --release --quiet --bin certcockpit
  local dir
  dir=$(mktemp -d)
  python3 scripts/startup_rss.py target/release/certcockpit "$dir" "$STARTUP_RUNS" | tee "$OUT/startup.txt"
  rm -rf "$dir"
}

machine | tee "$OUT/machine.txt"
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(criterion load journal startup)
for s in "${steps[@]}"; do
  case $s in
    all) criterion; load; journal; startup ;;
    criterion | load | journal | startup) "$s" ;;
    *) echo "unknown step: $s (all, criterion, load, journal, startup)" >&2; exit 2 ;;
  esac
done
