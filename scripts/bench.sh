#!/usr/bin/env bash
# Reproduces every figure in BENCHMARKS.md with public tools. Run from anywhere:
#
#   scripts/bench.sh [all|criterion|verify|load|proxy|journal|startup]...  (default: all)
#
#   criterion  cargo bench: one frame of the main screen (benches/render.rs), loading and
#              saving a 1,000-answer / 1,000-evidence dossier (benches/dossier.rs).
#   verify     `certcockpit verify` on a 1,000-record dossier with its sidecar (benches/verify.rs),
#              side by side with loading the same dossier; cargo profile PROFILE ("dev": the
#              bench runs unoptimised, an upper bound).
#   load       the evidence API under load from wrk in a second process on loopback, side by
#              side with a plain hyper server (examples/hyper_ceiling.rs, the ceiling, on
#              tokio's default multi-threaded runtime and again single-threaded like the
#              evidence API) and json-server from npm (a well-known mock server): requests/s,
#              p99 latency and the server's CPU time per request (user and system). Also
#              examples/axum_floor.rs, the evidence API's framework and hardening without its
#              work, to show where the gap comes from.
#   proxy      proxy mode's added latency (examples/proxy.rs in front of a plain hyper
#              upstream, examples/hyper_ceiling.rs) against going to the upstream directly and
#              against Debian's nginx as a plain reverse proxy to the same upstream, side by side
#              in one run on loopback, servers interleaved round by round: p50 and p99 at one
#              connection (the added latency), and req/s, p50 and p99 at CONNECTIONS
#              connections (throughput). Needs nginx (apt-get install -y nginx-light).
#   journal    the journal's timing error against a client sleeping known intervals
#              (tests/isolated/journal.rs with tests/peers/sleeper_client.py), JOURNAL_RUNS times.
#   startup    time from launch of `certcockpit review` to the first drawn frame on a 120x40
#              pseudo-terminal, and resident memory (VmRSS/VmHWM), STARTUP_RUNS times; and the
#              resident memory of the evidence API idle and after the load run.
#
# Knobs (environment): DURATION (s per load run, default 10), WARMUP (s, 2), CONNECTIONS (32),
# WRK_THREADS (1), ROUNDS (load rounds, servers interleaved, 3), JOURNAL_RUNS (10),
# STARTUP_RUNS (20), JSON_SERVER_VERSION (0.17.4), PROFILE (cargo profile of the servers:
# release; "dev" on a machine where release builds are not allowed, and say so with the figures).
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

PROFILE=${PROFILE:-release}
# cargo's folder for the profile ("dev" builds into target/debug).
BIN_DIR=target/$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")
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

verify() {
  say "verify: 1,000 records re-judged, against loading the same dossier ($PROFILE build)"
  local profile=$PROFILE
  [ "$profile" = release ] && profile=bench
  cargo bench --profile "$profile" --bench verify 2>&1 | tee "$OUT/criterion-verify.txt" |
    grep -E '^[a-z_0-9/]+$|time:|records:'
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

# CPU time (user, system: clock ticks) a process has used.
cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }

# wrk output, server CPU ticks used (user, system) -> "RPS P99_MS NON2XX ERRORS CPU USER SYS"
# (CPU per request in µs).
parse_wrk() {
  python3 - "$1" "$2" "$3" "$(getconf CLK_TCK)" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
user, system, hz = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ticks = user + system
total = int(re.search(r"(\d+) requests in", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
err = re.search(r"Socket errors:.*", text)
per = lambda t: f"{t / hz * 1e6 / total:.2f}"
print(f"{rps:.0f} {p99:.2f} {bad.group(1) if bad else 0} {'errors' if err else 'ok'} {per(ticks)} {per(user)} {per(system)}")
PY
}

# load_one NAME URL ROUND PID [wrk options]: warm up, then one measured run; the server's CPU
# time per request is robust to a shared machine where req/s is not.
load_one() {
  local name=$1 url=$2 round=$3 pid=$4 user0 sys0 user1 sys1; shift 4
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$@" "$url" >/dev/null
  read -r user0 sys0 < <(cpu_ticks "$pid")
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" >"$OUT/wrk-$name-$round.txt"
  read -r user1 sys1 < <(cpu_ticks "$pid")
  echo "$name $round $(parse_wrk "$OUT/wrk-$name-$round.txt" $((user1 - user0)) $((sys1 - sys0)))" \
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
  start_server "$OUT/ceiling1.log" target/release/examples/hyper_ceiling 127.0.0.1:0 current_thread
  local ceiling1_url="$BASE_URL/items" ceiling1_pid=$SERVER_PID
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
  curl -sf -o /dev/null "$ceiling1_url"
  curl -sf -o /dev/null "$floor_url"
  curl -sf -o /dev/null -H "Authorization: Bearer $api_token" "$api_url"
  curl -sf -o /dev/null "$mock_url"

  echo "evidence API idle: $(grep -E 'VmRSS' /proc/"$api_pid"/status | tr -s ' \t' ' ')" | tee "$OUT/api-rss.txt"
  : >"$OUT/load.txt"
  for round in $(seq "$ROUNDS"); do
    load_one hyper_ceiling "$ceiling_url" "$round" "$ceiling_pid"
    load_one hyper_ceiling_1t "$ceiling1_url" "$round" "$ceiling1_pid"
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
    name, rnd, rps, p99, bad, err, cpu, user, system = line.split()
    rows.setdefault(name, []).append((float(rps), float(p99), int(bad), err, float(cpu), float(user), float(system), rnd))
med = lambda name, i: statistics.median(r[i] for r in rows[name])
ceiling, ceiling1 = med("hyper_ceiling", 0), med("hyper_ceiling_1t", 0)
# The ratio per round (servers interleaved, so each round's ratio shares its machine load).
def ratio(name, base):
    by_round = {r[7]: r[0] for r in rows[base]}
    return statistics.median(r[0] / by_round[r[7]] for r in rows[name])
print(f"\n{'server':<18}{'req/s':>9}{'p99 ms':>8}{'of ceiling':>12}{'of 1t':>7}{'CPU us/req':>12}{'user':>6}{'sys':>6}  non-2xx")
for name in ("hyper_ceiling", "hyper_ceiling_1t", "axum_floor", "evidence_api", "json_server"):
    rps, p99, cpu, user, system = (med(name, i) for i in (0, 1, 4, 5, 6))
    bad = sum(r[2] for r in rows[name])
    print(f"{name:<18}{rps:>9.0f}{p99:>8.2f}{ratio(name, 'hyper_ceiling'):>11.0%}{ratio(name, 'hyper_ceiling_1t'):>7.0%}{cpu:>12.1f}{user:>6.1f}{system:>6.1f}  {bad}")
print("(medians of the rounds; 'of ceiling' and 'of 1t' are medians of each round's ratio to the")
print(" multi-threaded and the single-threaded hyper ceiling)")
PY
  cleanup
  PIDS=()
}

# wrk output -> "RPS P50_MS P99_MS NON2XX ERRORS"
parse_latency() {
  python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
def pct(p):
    m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
err = re.search(r"Socket errors:.*", text)
print(f"{rps:.0f} {pct(50):.3f} {pct(99):.3f} {bad.group(1) if bad else 0} {'errors' if err else 'ok'}")
PY
}

proxy() {
  say "proxy: added latency at 1 connection, throughput at $CONNECTIONS; ${DURATION}s runs, $ROUNDS rounds ($PROFILE build)"
  command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "nginx is missing: apt-get install -y nginx-light" >&2; exit 1; }
  local nginx_bin
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
  cargo build --profile "$PROFILE" --quiet --example proxy --example hyper_ceiling
  start_server "$OUT/upstream.log" "$BIN_DIR/examples/hyper_ceiling"
  local upstream=$BASE_URL
  start_server "$OUT/proxy.log" "$BIN_DIR/examples/proxy" "$upstream"
  local proxy_url="$BASE_URL/items" proxy_pid=$SERVER_PID
  # nginx as Debian ships it, as a plain reverse proxy: worker_processes auto, upstream
  # keep-alive (HTTP/1.1, 32 idle connections, like the evidence API's pooled client), no
  # access log (the evidence API journals every exchange; nginx is given the easier job).
  local port prefix
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  prefix=$(mktemp -d)
  mkdir -p "$prefix/logs"
  cat >"$prefix/nginx.conf" <<NGINX
worker_processes auto;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  upstream backend { server ${upstream#http://}; keepalive 32; }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
    }
  }
}
NGINX
  "$nginx_bin" -p "$prefix" -c "$prefix/nginx.conf" -g 'daemon off;' &
  PIDS+=($!)
  local nginx_url="http://127.0.0.1:$port/items"
  for _ in $(seq 100); do curl -sf -o /dev/null "$nginx_url" && break; sleep 0.05; done
  local direct_url="$upstream/items"
  curl -sf -o /dev/null "$direct_url"
  curl -sf -o /dev/null "$proxy_url"
  curl -sf -o /dev/null "$nginx_url"
  : >"$OUT/proxy.txt"
  for round in $(seq "$ROUNDS"); do
    for c in 1 "$CONNECTIONS"; do
      for pair in "direct $direct_url" "certcockpit $proxy_url" "nginx $nginx_url"; do
        set -- $pair
        wrk -t1 -c"$c" -d"${WARMUP}s" "$2" >/dev/null
        wrk -t1 -c"$c" -d"${DURATION}s" --latency "$2" >"$OUT/wrk-proxy-$1-$c-$round.txt"
        echo "$1 $c $round $(parse_latency "$OUT/wrk-proxy-$1-$c-$round.txt")" | tee -a "$OUT/proxy.txt"
      done
    done
  done
  echo "proxy after the load: $(grep -E 'VmRSS|VmHWM' /proc/"$proxy_pid"/status | tr -s ' \t' ' ' | paste -sd' ')"
  python3 - "$OUT/proxy.txt" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, c, rnd, rps, p50, p99, bad, err = line.split()
    rows.setdefault((name, int(c)), []).append((float(rps), float(p50), float(p99), int(bad), err, rnd))
med = lambda k, i: statistics.median(r[i] for r in rows[k])
conns = sorted({c for _, c in rows})
for c in conns:
    print(f"\n{c} connection{'s' if c > 1 else ''}: {'server':<12}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'+p50 ms':>9}  non-2xx")
    for name in ("direct", "certcockpit", "nginx"):
        k = (name, c)
        added = med(k, 1) - med(("direct", c), 1)
        bad = sum(r[3] for r in rows[k])
        print(f"{'':<15}{name:<12}{med(k, 0):>9.0f}{med(k, 1):>9.3f}{med(k, 2):>9.3f}{added:>9.3f}  {bad}")
by_round = lambda name, c: {r[5]: r[0] for r in rows[(name, c)]}
for c in conns:
    cc, ng = by_round("certcockpit", c), by_round("nginx", c)
    ratio = statistics.median(cc[r] / ng[r] for r in cc)
    print(f"throughput at {c}: certcockpit / nginx = {ratio:.0%} (median of each round's ratio)")
print("(+p50: the median latency added to going to the upstream directly; medians of the rounds)")
PY
  kill "$(cat "$prefix/nginx.pid" 2>/dev/null)" 2>/dev/null || true
  cleanup
  PIDS=()
  rm -rf "$prefix"
}

journal() {
  say "journal timing error: $JOURNAL_RUNS runs of tests/isolated/journal.rs"
  python3 -c 'import http.client' # the peer uses only the standard library
  : >"$OUT/journal.txt"
  for _ in $(seq "$JOURNAL_RUNS"); do
    cargo test --release --quiet --test isolated journal -- --nocapture 2>&1 | grep -E '^(journal|client|error)' \
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
[ ${#steps[@]} -eq 0 ] && steps=(criterion verify load proxy journal startup)
for s in "${steps[@]}"; do
  case $s in
    all) criterion; verify; load; proxy; journal; startup ;;
    criterion | verify | load | proxy | journal | startup) "$s" ;;
    *) echo "unknown step: $s (all, criterion, verify, load, proxy, journal, startup)" >&2; exit 2 ;;
  esac
done
