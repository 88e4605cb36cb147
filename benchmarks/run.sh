#!/usr/bin/env bash
# The one command that reproduces every benchmark figure of Lead Router:
#
#   benchmarks/run.sh            full run (~15 min on 2 cores)
#   QUICK=1 benchmarks/run.sh    smoke run (~3-4 min): short phases, a small JMH subset
#
# It builds the service and the benchmarks in a temporary copy of the tree (offline when the local Maven
# repository has everything, online otherwise), starts Postgres/Redis if they are not running and the
# commands exist, starts the service twice on free ports (in-memory store; Postgres store with write-behind
# on a fresh database, reported loudly as unavailable if it does not start), creates a hot rotation of 10
# members (weights 1..10) in each, mints a token, runs the load harness for next-user on both and the
# baselines (64 connections, interleaved rounds), profiles the service with JFR, runs the event-bus harness
# and the JMH suite, and writes benchmarks/results/latest.json and benchmarks/results/latest.txt (a full run;
# it also copies latest.json to results/full.json, the reference of quick runs) or results/quick.json and
# results/quick.txt (QUICK=1: a quick run never overwrites a full run's results; its ratios are compared with
# results/full.json's). Every process it starts it stops again by its own PID.
#
# Settings (environment): QUICK=1, JFR=0 (skip the profile), CONNECTIONS (64), DURATION / WARMUP / ROUNDS
# (harness phases: per round, and the number of interleaved rounds), PG_URI (baselines' Postgres,
# postgresql://postgres@127.0.0.1:5432/postgres), REDIS_URI (redis://127.0.0.1:6379), JMH_ARGS (replaces the
# JMH selection and settings), KEEP_BUILD=1 (keep the temporary build directory), SERVICE_SOURCE=head (build
# the service from the last commit instead of the working tree), CLIENT_DURATION (5s) / CLIENT_ROUNDS (2; 1
# when QUICK=1) for the client benchmark.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
RESULTS="$HERE/results"
WORK="$RESULTS/work"
QUICK="${QUICK:-0}"
JFR="${JFR:-1}"
CONNECTIONS="${CONNECTIONS:-64}"
PG_URI="${PG_URI:-postgresql://postgres@127.0.0.1:5432/postgres}"
REDIS_URI="${REDIS_URI:-redis://127.0.0.1:6379}"
DATE="$(date -u +%Y-%m-%d)"
if [[ "$QUICK" == 1 ]]; then
  DURATION="${DURATION:-5s}"; WARMUP="${WARMUP:-3s}"; ROUNDS="${ROUNDS:-1}"; JFR_DURATION=8s; MODE=quick
  OUT=quick; SIDE="$WORK" # quick results beside, never over, a full run's (results/latest.*, cluster.txt, ...)
  CLIENT_ROUNDS="${CLIENT_ROUNDS:-1}" # the client benchmark within a minute (2 rounds took 66 s at load 10)
else
  # two interleaved rounds of 10 s per target (20 s measured each): load changes on this shared machine fall
  # on the service and the baselines alike
  DURATION="${DURATION:-10s}"; WARMUP="${WARMUP:-10s}"; ROUNDS="${ROUNDS:-2}"; JFR_DURATION=20s; MODE=full
  OUT=latest; SIDE="$RESULTS"
fi

SERVICE_PIDS=()   # services started and not yet stopped
STARTED_PG_CLUSTER=""
STARTED_REDIS_PIDFILE=""
BENCH_DB=""
BENCH_DB_COMMIT=""
BENCH_DB_CLIENT=""
BUILD="$(mktemp -d "${TMPDIR:-/tmp}/lead-router-bench.XXXXXX")"

log() { printf '\n### %s  %s\n' "$(date +%H:%M:%S)" "$*"; }
loud() {
  printf '%s\n' "$(printf '!%.0s' {1..100})"
  printf '!!! %s\n' "$*"
  printf '%s\n' "$(printf '!%.0s' {1..100})"
}

stop_pid() { # PID [seconds]: SIGTERM (graceful), then SIGKILL after the grace period
  local pid="$1" grace="${2:-60}"
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((grace * 10))); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  echo "pid $pid did not stop within ${grace}s; killing it"
  kill -9 "$pid" 2>/dev/null || true
}

stop_service() { # PID GRACE: graceful stop (SIGTERM: write-behind drains), then forget the PID
  local pid="$1" rest=() p
  stop_pid "$pid" "$2"
  for p in "${SERVICE_PIDS[@]}"; do
    if [[ "$p" != "$pid" ]]; then rest+=("$p"); fi
  done
  SERVICE_PIDS=("${rest[@]}")
}

cleanup() {
  set +e
  for pid in "${SERVICE_PIDS[@]}"; do stop_pid "$pid" 60; done
  if [[ -n "$BENCH_DB" ]]; then
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB" >/dev/null 2>&1
  fi
  if [[ -n "$BENCH_DB_CLIENT" ]]; then
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB_CLIENT WITH (FORCE)" >/dev/null 2>&1
  fi
  if [[ -n "$BENCH_DB_COMMIT" ]]; then
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB_COMMIT" >/dev/null 2>&1
  fi
  if [[ -n "$STARTED_REDIS_PIDFILE" && -f "$STARTED_REDIS_PIDFILE" ]]; then
    echo "stopping the Redis this script started (pid $(cat "$STARTED_REDIS_PIDFILE"))"
    stop_pid "$(cat "$STARTED_REDIS_PIDFILE")" 20
  fi
  if [[ -n "$STARTED_PG_CLUSTER" ]]; then
    echo "stopping the Postgres cluster this script started ($STARTED_PG_CLUSTER/main)"
    pg_ctlcluster --skip-systemctl-redirect "$STARTED_PG_CLUSTER" main stop
  fi
  if [[ "${KEEP_BUILD:-0}" != 1 ]]; then rm -rf "$BUILD"; else echo "build kept in $BUILD"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { # first port from $1 up that nothing listens on
  local p="$1"
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

mvn_build() { # DIR GOALS...: offline first, online only if the local repository lacks something
  local dir="$1"; shift
  if ! (cd "$dir" && mvn -B -q -o "$@" >"$WORK/mvn.log" 2>&1); then
    if grep -qiE 'offline|could not resolve|cannot access|non-resolvable|unresolvable' "$WORK/mvn.log"; then
      echo "offline build lacks artifacts; retrying online"
      (cd "$dir" && mvn -B -q "$@")
    else
      grep -E 'ERROR|FAIL' "$WORK/mvn.log" | head -n 20
      loud "BUILD FAILED in $dir (full log: $WORK/mvn.log)"
      exit 1
    fi
  fi
}

rm -rf "$WORK"
mkdir -p "$WORK"

# ---- machine ------------------------------------------------------------------------------------------
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "nproc: $(nproc)"
  lscpu | head -n 15
  free -g | head -n 2
  java -version 2>&1
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$WORK/machine.txt"
cat "$WORK/machine.txt"

# ---- build (in a copy: other work may be building in the tree's own target/) ----------------------------
log "building the service and the benchmarks in $BUILD"
mkdir -p "$BUILD/src"
if [[ "${SERVICE_SOURCE:-worktree}" == head ]]; then
  # the last commit of the service (work in progress in the tree left out), the benchmarks as they are
  git -C "$ROOT" archive HEAD | tar -C "$BUILD/src" -xf -
  rm -rf "$BUILD/src/benchmarks"
  tar -C "$ROOT" --exclude=./target --exclude=./results -cf - benchmarks | tar -C "$BUILD/src" -xf -
  echo "service source: HEAD $(git -C "$ROOT" rev-parse --short HEAD)"
else
  tar -C "$ROOT" --exclude=./target --exclude=./data --exclude=node_modules --exclude=./.git \
    --exclude=./benchmarks/target --exclude=./benchmarks/results -cf - . | tar -C "$BUILD/src" -xf -
  echo "service source: working tree at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')" \
    "($(git -C "$ROOT" status --porcelain -- src pom.xml 2>/dev/null | wc -l) changed files under src/, pom.xml)"
fi
# tests are neither run nor compiled: only the service jar is needed here
mvn_build "$BUILD/src" install -Dmaven.test.skip=true
mvn_build "$BUILD/src/benchmarks" package
JAR="$BUILD/src/target/lead-router.jar"
BJAR="$BUILD/src/benchmarks/target/benchmarks.jar"
ls -l "$JAR" "$BJAR"

# ---- Postgres and Redis: start them if they are missing and can be started -----------------------------
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]] && [[ -n "$(ls /etc/postgresql)" ]]; then
    v="$(ls /etc/postgresql | head -n 1)"
    log "Postgres is not running; starting cluster $v/main"
    if pg_ctlcluster --skip-systemctl-redirect "$v" main start; then STARTED_PG_CLUSTER="$v"; fi
    for _ in $(seq 1 40); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  fi
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || loud "POSTGRES IS MISSING: not reachable on 127.0.0.1:5432 and could not be started; Postgres baselines and the Postgres store will be reported as missing"
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null; then
    log "Redis is not running; starting redis-server"
    STARTED_REDIS_PIDFILE="$WORK/redis.pid"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --pidfile "$STARTED_REDIS_PIDFILE" >/dev/null
    for _ in $(seq 1 40); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.25; done
  fi
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || loud "REDIS IS MISSING: not reachable on 127.0.0.1:6379 and could not be started; the Redis baseline will be reported as missing"
fi

# ---- the service --------------------------------------------------------------------------------------
LEADROUTER_JWT_SECRET="$(head -c 36 /dev/urandom | base64 | tr -d '\n/+=')"
export LEADROUTER_JWT_SECRET

start_service() { # NAME PORT EXTRA-ARGS...: starts the service (PID in SERVICE_PID), waits for /health/live
  local name="$1" port="$2"; shift 2
  (cd "$WORK" && exec java "${SERVICE_JVM_ARGS[@]}" -jar "$JAR" --http-host 127.0.0.1 --http-port "$port" "$@" \
    >"$WORK/service-$name.log" 2>&1) &
  SERVICE_PID=$!
  SERVICE_PIDS+=("$SERVICE_PID")
  for _ in $(seq 1 240); do
    if curl -sf "http://127.0.0.1:$port/health/live" >/dev/null 2>&1; then
      echo "service ($name) up on port $port, pid $SERVICE_PID"
      return 0
    fi
    kill -0 "$SERVICE_PID" 2>/dev/null || break
    sleep 0.5
  done
  return 1
}

create_rotation() { # PORT TOKEN -> rotation id on stdout
  local port="$1" token="$2" members="" i
  for i in $(seq 1 10); do members+="{\"email\":\"u$i@example.com\",\"weight\":$i},"; done
  curl -sf -X POST "http://127.0.0.1:$port/lead-rotations" -H "Authorization: Bearer $token" \
    -H 'x-account-id: 2311' -H 'content-type: application/json' \
    -d "{\"name\":\"hot\",\"members\":[${members%,}]}" | grep -o '"id":[0-9]*' | head -n 1 | cut -d: -f2
}

harness() { java -cp "$BJAR" io.leadrouter.bench.LoadHarness "$@"; }

TOKEN="$(java -jar "$JAR" token --account 2311 --sub bench@example.com --ttl 2h)"

log "the service three times: --store memory; --store postgres (write-behind) and --ack commit, each on a fresh database"
SERVICE_JVM_ARGS=()
PORT="$(free_port 18080)"
start_service memory "$PORT" --store memory || { tail -20 "$WORK/service-memory.log"; loud "THE SERVICE DID NOT START"; exit 1; }
MEMORY_PID="$SERVICE_PID"
ROTATION="$(create_rotation "$PORT" "$TOKEN")"
echo "hot rotation (memory store): $ROTATION"

PG_ARGS=()
PG_PID=""
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  BENCH_DB="lr_bench_$(date +%Y%m%d%H%M%S)_$$"
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $BENCH_DB" >/dev/null
  PG_PORT="$(free_port $((PORT + 1)))"
  if start_service postgres "$PG_PORT" --store postgres --pg-uri "postgresql://postgres@127.0.0.1:5432/$BENCH_DB" \
      --data-dir "$WORK/data"; then
    PG_PID="$SERVICE_PID"
    ROTATION_PG="$(create_rotation "$PG_PORT" "$TOKEN" || true)"
    if [[ -n "$ROTATION_PG" ]]; then
      echo "hot rotation (Postgres store): $ROTATION_PG"
      PG_ARGS=(--pgstore-url "http://127.0.0.1:$PG_PORT" --pgstore-rotation "$ROTATION_PG")
    else
      loud "POSTGRES STORE NOT MEASURED: POST /lead-rotations failed on the Postgres store (see $WORK/service-postgres.log)"
      echo '{"status":"failed","reason":"POST /lead-rotations failed on the Postgres store"}' >"$WORK/pgstore.json"
    fi
  else
    reason="$(grep -E 'ERROR|failed|Exception' "$WORK/service-postgres.log" | head -n 1 | tr '"\\' "'/" | cut -c1-300)"
    loud "POSTGRES STORE NOT MEASURED: the service did not start with --store postgres: ${reason:-see service-postgres.log}"
    printf '{"status":"unavailable","reason":"the service did not start with --store postgres: %s"}\n' \
      "${reason:-no error line}" >"$WORK/pgstore.json"
    stop_service "$SERVICE_PID" 10
  fi
else
  loud "POSTGRES STORE NOT MEASURED: Postgres is missing"
  echo '{"status":"unavailable","reason":"Postgres is not reachable on 127.0.0.1:5432"}' >"$WORK/pgstore.json"
fi

# ---- durable ack: a third service, --store postgres --ack commit on a fresh database of its own ------------
COMMIT_PID=""
if [[ -n "$PG_PID" ]] && [[ ${#PG_ARGS[@]} -gt 0 ]]; then
  BENCH_DB_COMMIT="${BENCH_DB}_commit"
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $BENCH_DB_COMMIT" >/dev/null
  COMMIT_PORT="$(free_port $((PG_PORT + 1)))"
  if start_service commit "$COMMIT_PORT" --store postgres --ack commit \
      --pg-uri "postgresql://postgres@127.0.0.1:5432/$BENCH_DB_COMMIT" --data-dir "$WORK/data-commit"; then
    COMMIT_PID="$SERVICE_PID"
    ROTATION_COMMIT="$(create_rotation "$COMMIT_PORT" "$TOKEN" || true)"
    if [[ -n "$ROTATION_COMMIT" ]]; then
      echo "hot rotation (Postgres store, ack=commit): $ROTATION_COMMIT"
      PG_ARGS+=(--pgcommit-url "http://127.0.0.1:$COMMIT_PORT" --pgcommit-rotation "$ROTATION_COMMIT")
    else
      loud "ACK=COMMIT NOT MEASURED: POST /lead-rotations failed (see $WORK/service-commit.log)"
    fi
  else
    loud "ACK=COMMIT NOT MEASURED: the service did not start with --ack commit (see $WORK/service-commit.log)"
    stop_service "$SERVICE_PID" 10
  fi
else
  loud "ACK=COMMIT NOT MEASURED: no Postgres-store service to compare it with"
fi

# ---- the services' JVM (target 4: GC, heap, JIT as the JVM resolved them) ---------------------------------
{
  echo "services started as: java ${SERVICE_JVM_ARGS[*]:-(no JVM flags)} -jar lead-router.jar ..."
  jcmd "$MEMORY_PID" VM.flags 2>/dev/null | tail -n +2 | tr ' ' '\n' | grep -E \
    'Use[A-Za-z0-9]*GC$|HeapSize|MaxRAM|AlwaysPreTouch|TieredStopAtLevel|TieredCompilation|ParallelGCThreads|CICompilerCount|ReservedCodeCacheSize' \
    | paste -sd' ' - | sed 's/^/resolved flags (jcmd VM.flags, memory-store service): /' \
    || java "${SERVICE_JVM_ARGS[@]}" -XX:+PrintCommandLineFlags -version 2>&1 | head -n 1
  java "${SERVICE_JVM_ARGS[@]}" -version 2>&1 | tail -n 1
} >"$WORK/jvm.txt"
cat "$WORK/jvm.txt"

log "load: next-user (memory store${PG_PID:+, Postgres store}${COMMIT_PID:+, Postgres store with ack=commit}) and the baselines, $CONNECTIONS connections, $ROUNDS interleaved round(s)"
harness --url "http://127.0.0.1:$PORT" --token "$TOKEN" --account 2311 --rotation "$ROTATION" "${PG_ARGS[@]}" \
  --connections "$CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP" --rounds "$ROUNDS" --baselines all \
  --pg-uri "$PG_URI" --redis-uri "$REDIS_URI" --label memory --json "$WORK/http.json" | tee "$WORK/http.log" \
  || loud "THE HTTP HARNESS FAILED (see $WORK/http.log); its figures will be missing from the report"
stop_service "$MEMORY_PID" 60
if [[ -n "$COMMIT_PID" ]]; then stop_service "$COMMIT_PID" 60; fi
if [[ -n "$PG_PID" ]]; then
  stop_service "$PG_PID" 60
  grep -E 'WARN|ERROR' "$WORK/service-postgres.log" | head -n 5
fi

if [[ "$JFR" == 1 ]]; then
  log "JFR profile of the service under next-user load (a separate, unmeasured run)"
  SERVICE_JVM_ARGS=("-XX:StartFlightRecording=filename=$WORK/service.jfr,settings=profile,dumponexit=true")
  PORT="$(free_port 18080)"
  if start_service jfr "$PORT" --store memory; then
    ROTATION_JFR="$(create_rotation "$PORT" "$TOKEN")"
    harness --url "http://127.0.0.1:$PORT" --token "$TOKEN" --account 2311 --rotation "$ROTATION_JFR" \
      --connections "$CONNECTIONS" --duration "$JFR_DURATION" --warmup 3s --baselines none --label jfr \
      --json "$WORK/jfr-run.json" >"$WORK/jfr-run.log" 2>&1 || echo "JFR load run failed (see $WORK/jfr-run.log)"
    stop_service "$SERVICE_PID" 60
    if [[ -f "$WORK/service.jfr" ]]; then
      jfr print --events jdk.ExecutionSample --stack-depth 64 "$WORK/service.jfr" >"$WORK/samples.txt"
      awk '
        /^jdk.ExecutionSample/ { n++; depth = 0; delete seen; next }
        /stackTrace = \[/ { inside = 1; next }
        inside && /^[[:space:]]*\]/ { inside = 0; next }
        inside {
          f = $0; sub(/^[[:space:]]+/, "", f); sub(/[[:space:]]+line:.*$/, "", f); sub(/\(.*$/, "", f)
          if (f == "...") next
          if (depth == 0) self[f]++
          depth++
          if (f ~ /^io\.leadrouter\./ && !(f in seen)) { seen[f] = 1; incl[f]++ }
        }
        END {
          printf "%d execution samples\n", n
          print "self (top of stack):"
          for (k in self) printf "%7d %5.1f%%  %s\n", self[k], 100 * self[k] / n, k | "sort -rn | head -n 20"
          close("sort -rn | head -n 20")
          print "inclusive, io.leadrouter frames (share of samples with the frame anywhere on the stack):"
          for (k in incl) printf "%7d %5.1f%%  %s\n", incl[k], 100 * incl[k] / n, k | "sort -rn | head -n 15"
          close("sort -rn | head -n 15")
        }' "$WORK/samples.txt" >"$WORK/jfr-top.txt"
      jfr summary "$WORK/service.jfr" | head -n 30 >"$WORK/jfr-summary.txt" || true
      cat "$WORK/jfr-top.txt"
      rm -f "$WORK/samples.txt"
      cp "$WORK/service.jfr" "$RESULTS/latest-service.jfr"
    fi
  else
    echo "service with JFR did not start; see $WORK/service-jfr.log"
    stop_service "$SERVICE_PID" 10
  fi
  SERVICE_JVM_ARGS=()
fi

# ---- event bus ----------------------------------------------------------------------------------------
log "event-bus API on an in-process node, $CONNECTIONS requests in flight"
harness --mode eventbus --connections "$CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP" --rounds "$ROUNDS" \
  --json "$WORK/eventbus.json" | tee "$WORK/eventbus.log" \
  || loud "THE EVENT-BUS HARNESS FAILED (see $WORK/eventbus.log)"

# ---- write-behind into Postgres ---------------------------------------------------------------------
log "write-behind into Postgres, in process (picks/s, statements and position updates per pick, backlog)"
java -cp "$BJAR" io.leadrouter.bench.WriteBehindThroughput --pg-uri "$PG_URI" --seconds "${DURATION%s}" \
  2>"$WORK/write-behind.err" | tee "$SIDE/write-behind.txt" \
  || loud "THE WRITE-BEHIND BENCHMARK FAILED (see $WORK/write-behind.err)"

# ---- client: lead-router-client over the event bus vs over HTTP (separate JVMs; about 60 s) -------------
log "client: lead-router-client picks/s over the event bus vs over HTTP, beside a one-member cluster"
CLIENT_HZ_FLAGS="--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"
CLIENT_STARTED=$SECONDS
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  BENCH_DB_CLIENT="lr_bench_client_$(date +%Y%m%d%H%M%S)_$$"
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $BENCH_DB_CLIENT" >/dev/null
  CLIENT_PORT="$(free_port 18180)"
  CLIENT_HZ_PORT="$(free_port 15801)"
  SERVICE_JVM_ARGS_SAVED=("${SERVICE_JVM_ARGS[@]}")
  SERVICE_JVM_ARGS=($CLIENT_HZ_FLAGS "${SERVICE_JVM_ARGS_SAVED[@]}")
  if start_service member "$CLIENT_PORT" --store postgres --pg-uri "postgresql://postgres@127.0.0.1:5432/$BENCH_DB_CLIENT" \
      --data-dir "$WORK/data-member" --cluster --cluster-port "$CLIENT_HZ_PORT" \
      --cluster-members "127.0.0.1:$CLIENT_HZ_PORT" --cluster-quorum 1 \
      --cluster-secret "$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"; then
    MEMBER_PID="$SERVICE_PID"
    ROTATION_CLIENT="$(create_rotation "$CLIENT_PORT" "$TOKEN" || true)"
    java $CLIENT_HZ_FLAGS -cp "$BJAR" io.leadrouter.bench.ClientThroughput --members "127.0.0.1:$CLIENT_HZ_PORT" \
      --partitions 271 --http "http://127.0.0.1:$CLIENT_PORT" --token "$TOKEN" --account 2311 \
      --rotation "${ROTATION_CLIENT:-0}" --in-flight 64 --duration "${CLIENT_DURATION:-5s}" --warmup 3s \
      --rounds "${CLIENT_ROUNDS:-2}" --json "$WORK/client.json" >"$WORK/client.log" 2>&1 \
      || loud "THE CLIENT BENCHMARK FAILED (see $WORK/client.log)"
    grep -E '^round' "$WORK/client.log" || true
    stop_service "$MEMBER_PID" 60
  else
    loud "CLIENT NOT MEASURED: the one-member cluster did not start (see $WORK/service-member.log)"
    stop_service "$SERVICE_PID" 10
  fi
  SERVICE_JVM_ARGS=("${SERVICE_JVM_ARGS_SAVED[@]}")
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB_CLIENT WITH (FORCE)" >/dev/null 2>&1 \
    && BENCH_DB_CLIENT=""
else
  loud "CLIENT NOT MEASURED: Postgres is missing (a cluster member needs it)"
fi
echo "client benchmark took $((SECONDS - CLIENT_STARTED)) s"

# ---- cluster: via the owner, via a non-owner, single node ---------------------------------------------
log "cluster forwarding: two members in one JVM vs single-node mode"
HZ_FLAGS="--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"
java $HZ_FLAGS -cp "$BJAR" io.leadrouter.bench.ClusterForwarding --pg-uri "$PG_URI" --seconds "${DURATION%s}" \
  --json "$WORK/cluster.json" 2>"$WORK/cluster.err" | tee "$SIDE/cluster.txt" \
  || loud "THE CLUSTER BENCHMARK FAILED (see $WORK/cluster.err)"

# ---- scale of one node and warm-up after readiness ------------------------------------------------------
# NodeScale: heap per active rotation (10 members), cold activation from Postgres, start-up time vs rotations
# stored (Postgres). WarmUp: a fresh service JVM (memory store) under next-user load from the moment it is ready.
if [[ "$QUICK" == 1 ]]; then SCALE_ROTATIONS=10000; WARMUP_LOAD_SECONDS=15; else SCALE_ROTATIONS=100000; WARMUP_LOAD_SECONDS=40; fi
log "scale of one node: $SCALE_ROTATIONS rotations on Postgres (heap per active rotation, cold activation, start-up)"
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  java -Xmx3g -cp "$BJAR" io.leadrouter.bench.NodeScale --pg-uri "$PG_URI" --rotations "$SCALE_ROTATIONS" \
    --json "$WORK/scale.json" 2>"$WORK/scale.err" | tee "$SIDE/scale.txt" \
    || loud "THE NODE-SCALE BENCHMARK FAILED (see $WORK/scale.err)"
else
  loud "NODE SCALE NOT MEASURED: Postgres is missing"
  echo '{"tool":"NodeScale","status":"unavailable","reason":"Postgres is not reachable on 127.0.0.1:5432"}' >"$WORK/scale.json"
fi
log "warm-up: a fresh service JVM, next-user load from the moment /health/ready answers 200 ($WARMUP_LOAD_SECONDS s)"
java -cp "$BJAR" io.leadrouter.bench.WarmUp --jar "$JAR" --seconds "$WARMUP_LOAD_SECONDS" --connections "$CONNECTIONS" \
  --json "$WORK/warmup.json" --log "$WORK/service-warmup.log" 2>"$WORK/warmup.err" | tee "$SIDE/warmup.txt" \
  || loud "THE WARM-UP BENCHMARK FAILED (see $WORK/warmup.err)"

# ---- JMH ----------------------------------------------------------------------------------------------
log "JMH"
run_jmh() { # OUT-FILE JMH-ARGS...
  local out="$1"; shift
  java -jar "$BJAR" -rf json -rff "$out" "$@" 2>&1 \
    | grep --line-buffered -vE '^# (JMH|VM|Blackhole|Warmup|Measurement|Timeout|Threads|Benchmark mode|Run progress)|^WARNING|^$' \
    | tee -a "$WORK/jmh.log" || loud "JMH FAILED or was cut short (see $WORK/jmh.log)"
}
if [[ -n "${JMH_ARGS:-}" ]]; then
  # shellcheck disable=SC2086
  run_jmh "$WORK/jmh-custom.json" $JMH_ARGS
elif [[ "$QUICK" == 1 ]]; then
  run_jmh "$WORK/jmh-quick.json" 'SchedulePick|OwnerPick' -p members=10 -p weights=mixed -wi 1 -w 1s -i 2 -r 1s
  # the event bus at the params of its targets (cross-thread, inFlight=128) and the batch picks beside it; their
  # JIT needs about 4 s (with one 1 s warm-up the batches of 10 came out at a tenth of their speed)
  run_jmh "$WORK/jmh-quick-bus.json" 'EventBusRoundTrip|BatchPick' -p inFlight=128 -p placement=cross-thread \
    -wi 4 -w 1s -i 2 -r 1s
else
  # nanosecond-scale benchmarks settle fast; the event bus and JWT get longer phases
  run_jmh "$WORK/jmh-micro.json" 'SchedulePick|ScheduleBuild|OwnerPick|Codec' -wi 2 -w 500ms -i 3 -r 1s
  # RS256 verification needs several seconds of warm-up before C2 has compiled the RSA path
  run_jmh "$WORK/jmh-io.json" 'EventBusRoundTrip|BatchPick|JwtVerify' -wi 5 -w 1s -i 3 -r 1s
fi
JMH_FILES="$(ls "$WORK"/jmh*.json 2>/dev/null | paste -sd, -)"

# ---- report -------------------------------------------------------------------------------------------
log "report"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/machine.txt"
REPORT_ARGS=(--http "$WORK/http.json" --pgstore "$WORK/pgstore.json" --eventbus "$WORK/eventbus.json"
  --jmh "$JMH_FILES" --machine "$WORK/machine.txt" --date "$DATE" --mode "$MODE"
  --out-json "$RESULTS/$OUT.json" --out-txt "$RESULTS/$OUT.txt")
REPORT_ARGS+=(--scale "$WORK/scale.json" --warmup "$WORK/warmup.json")
[[ -f "$WORK/jfr-top.txt" ]] && REPORT_ARGS+=(--jfr "$WORK/jfr-top.txt")
# issue 14's other targets: cluster (7), client bus vs HTTP, JVM flags (4); a quick run against the last full one
REPORT_ARGS+=(--cluster "$WORK/cluster.json" --client "$WORK/client.json" --jvm "$WORK/jvm.txt")
[[ "$MODE" == quick ]] && REPORT_ARGS+=(--full "$RESULTS/full.json")
java -cp "$BJAR" io.leadrouter.bench.Report "${REPORT_ARGS[@]}"
# a full run is the reference that quick runs are compared with
[[ "$MODE" == full ]] && cp "$RESULTS/latest.json" "$RESULTS/full.json"
echo
echo "written: $RESULTS/$OUT.json, $RESULTS/$OUT.txt (raw outputs and logs in $WORK)"
