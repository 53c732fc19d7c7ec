#!/usr/bin/env bash
# Real Apache Kafka (KRaft, one combined broker and controller) for tests and
# local runs, without Docker: the broker's jars come from Maven Central into
# the git-ignored .infra/kafka of this clone. See docs/adr/0006-kafka-for-tests.md.
#
#   deploy/local/kafka.sh install   resolve the jars (once per version)
#   deploy/local/kafka.sh start     install if needed, start, wait until it answers;
#                                   prints KAFKA_BROKERS=127.0.0.1:9092 on stdout
#   deploy/local/kafka.sh stop      SIGTERM, then SIGKILL after a grace period
#   deploy/local/kafka.sh status    exit 0 when running, 1 otherwise
#   deploy/local/kafka.sh remove    stop, then delete the instance's data (not the jars)
#
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_INSTANCE
# (a name: a second broker with its own data, pid and log under
# .infra/kafka/instances/; set its ports too), KAFKA_VERSION (4.1.2),
# KAFKA_START_TIMEOUT seconds (90), KAFKA_HEAP (-Xms256m -Xmx512m).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
templates="$here/kafka"
home="$root/.infra/kafka"
libs="$home/libs"
instance=${KAFKA_INSTANCE:-}
if [ -n "$instance" ]; then
  [[ "$instance" =~ ^[A-Za-z0-9._-]+$ ]] || { echo "kafka.sh: bad KAFKA_INSTANCE '$instance'" >&2; exit 2; }
  state="$home/instances/$instance"
else
  state="$home"
fi
data="$state/data"
pid_file="$state/kafka.pid"
log_file="$state/kafka.log"

version=${KAFKA_VERSION:-4.1.2}
log4j_version=2.24.3
port=${KAFKA_PORT:-9092}
controller_port=${KAFKA_CONTROLLER_PORT:-9093}
start_timeout=${KAFKA_START_TIMEOUT:-90}
heap=${KAFKA_HEAP:--Xms256m -Xmx512m}
brokers="127.0.0.1:$port"

say() { echo "kafka.sh${instance:+ [$instance]}: $*" >&2; }
die() { say "$*"; exit 1; }

# Fills the @NAME@ placeholders of a template from deploy/local/kafka into `$2`.
render() {
  sed -e "s|@KAFKA_VERSION@|$version|g" -e "s|@LOG4J_VERSION@|$log4j_version|g" \
    -e "s|@PORT@|$port|g" -e "s|@CONTROLLER_PORT@|$controller_port|g" -e "s|@LOG_DIRS@|$data|g" \
    "$templates/$1" >"$2/$1"
}

install() {
  # The marker names the version, so changing KAFKA_VERSION installs afresh.
  [ -f "$libs/.installed-$version" ] && return 0
  # Instances share the jars: one download at a time.
  exec 8>"$home/.install.lock"
  flock 8
  [ -f "$libs/.installed-$version" ] && return 0
  command -v java >/dev/null || die "java (17+) is required"
  command -v mvn >/dev/null || die "mvn is required to fetch Kafka from Maven Central"
  say "installing Kafka $version into $libs"
  render pom.xml "$home"
  rm -rf "$libs.partial"
  # Into a side folder first, so a failed or interrupted download neither looks
  # installed nor breaks the version installed before.
  # Maven's output goes to a log: stdout carries only the KAFKA_BROKERS line.
  if ! (cd "$home" && mvn -B -q -f pom.xml dependency:copy-dependencies -Dstyle.color=never \
    -DincludeScope=runtime -DoutputDirectory="$libs.partial" >"$home/install.log" 2>&1); then
    cat "$home/install.log" >&2
    die "mvn could not resolve Kafka $version"
  fi
  rm -rf "$libs"
  mv "$libs.partial" "$libs"
  touch "$libs/.installed-$version"
}

running_pid() {
  local pid
  pid=$(cat "$pid_file" 2>/dev/null) || return 1
  # The pid must still be our broker: pids get reused after a crash or reboot.
  [ -n "$pid" ] && grep -qa 'kafka.Kafka' "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

# The java command line, in the global array `java_cmd`, running main class "$@".
java_command() {
  local -a flags
  read -r -a flags <<<"$heap"
  # zstd and snappy unpack native code into java.io.tmpdir, which must allow exec.
  java_cmd=(java "${flags[@]}" -Djava.io.tmpdir="$state/tmp" -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$state/log4j2.properties" -cp "$libs/*" "$@")
}

format_storage() {
  [ -f "$data/meta.properties" ] && return 0
  local cluster_id
  # A cluster id is 16 random bytes in unpadded base64url (22 characters).
  cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
  # `=` form: a base64url id may start with '-', which the tool would read as an option.
  java_command kafka.tools.StorageTool format --cluster-id="$cluster_id" --config="$state/server.properties" --ignore-formatted
  "${java_cmd[@]}" >>"$log_file" 2>&1 || die "formatting $data failed; see $log_file"
}

# Answers once the broker serves a metadata request; without the workspace's
# kafkajs (not installed yet) the log line has to do.
answers() {
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || return 1
  grep -q 'Kafka Server started' "$log_file" || return 1
  [ -d "$root/packages/messaging/node_modules/kafkajs" ] && command -v node >/dev/null || return 0
  node --input-type=module -e '
    import { createRequire } from "node:module";
    const { Kafka, logLevel } = createRequire(process.argv[1])("kafkajs");
    const admin = new Kafka({ clientId: "kafka-sh", brokers: [process.argv[2]], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    try { await admin.connect(); await admin.describeCluster(); await admin.disconnect(); } catch { process.exit(1); }
  ' "$root/packages/messaging/package.json" "$brokers" 2>/dev/null
}

start() {
  if running_pid >/dev/null; then
    echo "KAFKA_BROKERS=$brokers"
    return 0
  fi
  install
  mkdir -p "$data" "$state/tmp"
  render server.properties "$state"
  render log4j2.properties "$state"
  # A fresh log per run, so the readiness check never reads an earlier run's lines.
  if [ -f "$log_file" ]; then mv "$log_file" "$log_file.1"; fi
  rm -f "$pid_file"
  format_storage
  say "starting Kafka $version on $brokers"
  java_command kafka.Kafka "$state/server.properties"
  # setsid: the broker outlives this script and the terminal or CI step that ran it.
  # Closing fd 9 keeps the broker from holding this script's lock for its whole life.
  (
    exec 9>&- 8>&-
    cd "$state"
    setsid bash -c 'echo $$ >"$0" && exec "$@"' "$pid_file" "${java_cmd[@]}" </dev/null >>"$log_file" 2>&1 &
  )
  local pid="" deadline=$((SECONDS + start_timeout))
  until answers; do
    [ -n "$pid" ] || pid=$(cat "$pid_file" 2>/dev/null) || true
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$log_file" >&2
      die "Kafka exited during start-up; see $log_file"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      stop
      die "Kafka did not answer within ${start_timeout}s; see $log_file"
    fi
    sleep 0.5
  done
  say "Kafka is up (pid $(running_pid))"
  echo "KAFKA_BROKERS=$brokers"
}

stop() {
  local pid
  if pid=$(running_pid); then
    kill -TERM "$pid"
    # A controlled shutdown of the single node takes a second or two.
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      say "Kafka ignored SIGTERM for 30s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "stopped"
  else
    say "not running"
  fi
  rm -f "$pid_file"
}

status() {
  local pid
  if pid=$(running_pid); then
    echo "running (pid $pid), KAFKA_BROKERS=$brokers"
  else
    echo "not running"
    return 1
  fi
}

remove() {
  stop
  rm -rf "$data" "$state/tmp"
  if [ -n "$instance" ]; then rm -rf "$state"; fi
  say "removed the data in $state"
}

mkdir -p "$state"
# One command at a time per instance: two concurrent starts would race for the pid file.
exec 9>"$state/.lock"
flock 9
case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  remove) remove ;;
  *) echo "usage: $0 {install|start|stop|status|remove}" >&2; exit 2 ;;
esac
