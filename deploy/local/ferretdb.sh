#!/usr/bin/env bash
# A MongoDB-wire server for local runs and tests: FerretDB v1 on its SQLite
# backend, built from deploy/local/ferretdb/ (see docs/adr/0007).
#
#   deploy/local/ferretdb.sh install   build .infra/ferretdb/bin/ferretdb unless up to date
#   deploy/local/ferretdb.sh start     install, start in the background, wait for a ping,
#                                      print MONGO_URL=… (no-op when already running)
#   deploy/local/ferretdb.sh stop      SIGTERM and wait for a clean exit
#   deploy/local/ferretdb.sh status    exit 0 when running
#
# Environment: MONGO_PORT (27017), FERRETDB_LOG_LEVEL (error).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
src=$here/ferretdb
state=$root/.infra/ferretdb
bin=$state/bin/ferretdb
stamp=$state/bin/ferretdb.stamp
data=$state/data
pidfile=$state/ferretdb.pid
log=$state/ferretdb.log
port=${MONGO_PORT:-27017}
url="mongodb://127.0.0.1:$port/?directConnection=true"

say() { echo "ferretdb: $*" >&2; }

go_tool() {
  if command -v go >/dev/null 2>&1; then echo go
  elif [ -x /usr/local/go/bin/go ]; then echo /usr/local/go/bin/go
  else say "Go is needed to build FerretDB (any Go >= 1.24, or one that can fetch that toolchain)"; exit 1
  fi
}

# What the binary was built from: our sources and the Go release that compiled them.
fingerprint() {
  { cat "$src/go.mod" "$src/go.sum" "$src/main.go"; "$1" version; } | sha256sum | cut -d' ' -f1
}

install() {
  local go want
  go=$(go_tool)
  want=$(fingerprint "$go")
  if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  say "building $bin (the first build downloads modules and compiles SQLite: about a minute)"
  mkdir -p "$state/bin"
  local started=$SECONDS
  # -mod=readonly: build exactly what go.mod/go.sum pin, from the module proxy
  # and the default module cache. -buildvcs=false: the clone's git state is
  # irrelevant to the binary and git may refuse to read a foreign-owned clone.
  # GOTOOLCHAIN=auto: a Go older than go.mod's 1.24 fetches that toolchain
  # through the module proxy instead of failing.
  (cd "$src" && GOFLAGS="-mod=readonly -buildvcs=false" GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" CGO_ENABLED=0 \
    "$go" build -trimpath -ldflags="-s -w" -o "$bin.tmp" .)
  mv "$bin.tmp" "$bin"
  echo "$want" >"$stamp"
  say "built in $((SECONDS - started))s"
}

# Prints "<pid> <port>" of our server when it runs.
running() {
  local pid cmdline
  pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # The command line check keeps a recycled pid from passing for the server.
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == "$bin "* && $cmdline =~ -listen\ 127\.0\.0\.1:([0-9]+) ]] || return 1
  echo "$pid ${BASH_REMATCH[1]}"
}

# A real MongoDB ping through the driver the read models use; an open port is
# the fallback before `pnpm install` has run.
ping_once() {
  local driver
  if driver=$(cd "$root/packages/read-models" 2>/dev/null && node -p "require.resolve('mongodb')" 2>/dev/null); then
    MONGO_DRIVER=$driver MONGO_URL=$url node -e '
      const { MongoClient } = require(process.env.MONGO_DRIVER);
      const client = new MongoClient(process.env.MONGO_URL, { serverSelectionTimeoutMS: 1000 });
      client.db("admin").command({ ping: 1 }).then(() => process.exit(0), () => process.exit(1));
    ' 2>/dev/null
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}

start() {
  local pid found
  if found=$(running); then
    read -r pid found <<<"$found"
    if [ "$found" != "$port" ]; then
      say "already running on port $found (pid $pid), not $port: stop it first"
      exit 1
    fi
    say "already running (pid $pid)"
    echo "MONGO_URL=$url"
    return 0
  fi
  install
  mkdir -p "$data"
  # setsid: a Ctrl-C in the terminal that ran `start` must not reach the server.
  setsid "$bin" -listen "127.0.0.1:$port" -data "$data" -log-level "${FERRETDB_LOG_LEVEL:-error}" \
    >>"$log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$pidfile"
  for _ in $(seq 1 60); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pidfile"
      say "exited during start-up; last lines of $log:"
      tail -n 20 "$log" >&2
      exit 1
    fi
    if ping_once; then
      say "running (pid $pid), log $log"
      echo "MONGO_URL=$url"
      return 0
    fi
    sleep 0.5
  done
  say "no ping answer within 30s; stopping it. Last lines of $log:"
  tail -n 20 "$log" >&2
  stop
  exit 1
}

stop() {
  local pid
  if ! pid=$(running); then
    rm -f "$pidfile"
    say "not running"
    return 0
  fi
  pid=${pid%% *}
  kill -TERM "$pid"
  for _ in $(seq 1 100); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pidfile"
      say "stopped (pid $pid)"
      return 0
    fi
    sleep 0.1
  done
  say "pid $pid ignored SIGTERM for 10s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

status() {
  local pid found
  if found=$(running); then
    read -r pid found <<<"$found"
    say "running (pid $pid)"
    echo "MONGO_URL=mongodb://127.0.0.1:$found/?directConnection=true"
  else
    say "not running"
    return 1
  fi
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 {install|start|stop|status}" >&2; exit 2 ;;
esac
