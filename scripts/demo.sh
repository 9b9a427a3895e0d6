#!/usr/bin/env bash
# `make demo`: the local stack, then Tally's API, projector and worker with a
# demo organization, its quotas and some usage, and a small webhook receiver
# that prints the deliveries of the demo organization's endpoint. Prints the
# API address, the admin key, the demo org's key and ready-to-paste curl commands.
# `make demo-down` (scripts/demo.sh down) stops the processes it started.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
demo="$root/.data/demo"
port="${TALLY_DEMO_PORT:-3000}"
processes=(serve projector worker)

pid_alive() { [ -f "$demo/$1.pid" ] && kill -0 "$(cat "$demo/$1.pid")" 2>/dev/null; }

down() {
  local name pid
  for name in "${processes[@]}" receiver; do
    if pid_alive "$name"; then
      pid="$(cat "$demo/$name.pid")"
      kill -TERM "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" || true
      echo "stopped tally $name (pid $pid)"
    fi
    rm -f "$demo/$name.pid"
  done
}

if [ "${1:-up}" = down ]; then
  down
  exit 0
fi

"$root/scripts/stack.sh" up
(cd "$root" && npm run --silent build)
mkdir -p "$demo"
[ -f "$demo/admin.key" ] || node -e "process.stdout.write(require('node:crypto').randomBytes(24).toString('hex'))" >"$demo/admin.key"
# The key that seals the webhook endpoints' signing secrets; kept, or the demo's endpoint could no longer sign.
[ -f "$demo/webhook-secret.key" ] || (umask 077 && node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('hex'))" >"$demo/webhook-secret.key")

# The stack's addresses (in its folder, TALLY_STACK_DIR as scripts/stack.sh reads it), then Tally's own settings for the demo.
stack_dir="${TALLY_STACK_DIR:-.data}"
case "$stack_dir" in /*) ;; *) stack_dir="$root/$stack_dir" ;; esac
set -a
# shellcheck source=/dev/null
source "$stack_dir/stack.env"
TALLY_EVENT_STORE_PATH="$demo/events.sqlite"
MONGODB_DATABASE=tally_demo
TALLY_ADMIN_KEY="$(cat "$demo/admin.key")"
HOST=127.0.0.1
PORT="$port"
STRIPE_API_KEY=sk_test_123
LOG_LEVEL=warn
TALLY_WEBHOOK_SECRET_KEY="$(cat "$demo/webhook-secret.key")"
# The demo's receiver listens on loopback.
TALLY_WEBHOOK_ALLOW_PRIVATE=true
set +a

# The operator commands (`npx tally audit …`) run in the project read these from .data/tally.env,
# so they find the demo's event log and read models as printed, without exporting anything.
{
  echo "# Written by make demo: where the demo's Tally keeps its data. tally commands run in this folder read it; the environment wins."
  for name in EVENTSTORE_CONNECTION_STRING TALLY_EVENT_STORE_PATH MONGODB_URL MONGODB_DATABASE TEMPORAL_ADDRESS TEMPORAL_NAMESPACE TEMPORAL_TASK_QUEUE \
    STRIPE_API_KEY STRIPE_API_HOST STRIPE_API_PORT STRIPE_API_PROTOCOL; do
    [ -z "${!name:-}" ] || printf '%s="%s"\n' "$name" "${!name}"
  done
} >"$root/.data/tally.env"

for name in "${processes[@]}"; do
  # A build without a command (the worker, while it is being built) runs without it.
  if ! node "$root/dist/cli/main.js" "$name" --help >/dev/null 2>&1; then
    echo "tally $name is not part of this build; skipping it"
    continue
  fi
  if pid_alive "$name"; then
    echo "tally $name already running (pid $(cat "$demo/$name.pid"))"
  else
    setsid node "$root/dist/cli/main.js" "$name" >"$demo/$name.log" 2>&1 </dev/null &
    echo $! >"$demo/$name.pid"
    echo "started tally $name (pid $!, log $demo/$name.log)"
  fi
done

# The webhook receiver takes a free port and says which in receiver.url.
if pid_alive receiver; then
  echo "demo webhook receiver already running (pid $(cat "$demo/receiver.pid"))"
else
  rm -f "$demo/receiver.url"
  TALLY_DEMO_DIR="$demo" setsid node --import tsx "$root/scripts/demo-webhook-receiver.ts" >"$demo/receiver.log" 2>&1 </dev/null &
  echo $! >"$demo/receiver.pid"
  echo "started the demo webhook receiver (pid $!, log $demo/receiver.log)"
fi
for _ in $(seq 1 100); do [ -s "$demo/receiver.url" ] && break; sleep 0.1; done

for _ in $(seq 1 150); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && break
  pid_alive serve || { echo "tally serve exited; last lines of its log:"; tail -n 20 "$demo/serve.log"; exit 1; }
  sleep 0.2
done

TALLY_URL="http://127.0.0.1:$port" TALLY_DEMO_DIR="$demo" TALLY_DEMO_WEBHOOK_URL="$(cat "$demo/receiver.url" 2>/dev/null || true)" \
  node --import tsx "$root/scripts/demo-seed.ts"
