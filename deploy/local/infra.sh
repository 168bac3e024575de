#!/usr/bin/env bash
# Local infrastructure without Docker: Kafka (KRaft, single node) and FerretDB v1 (SQLite).
# usage: infra.sh up | down | status | reset   (kafka-up, ferretdb-up: one server)
set -euo pipefail
source "$(dirname "$0")/settings.sh"

kafka_dir="$PARCOURS_DATA_DIR/kafka"
ferret_dir="$PARCOURS_DATA_DIR/ferretdb"
run_dir="$PARCOURS_DATA_DIR/run"
logs_dir="$PARCOURS_DATA_DIR/logs"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() { # name port pidfile seconds logfile
  local deadline=$((SECONDS + $4))
  until port_open "$2"; do
    pid_alive "$3" || die "$1 exited during start-up; see $5"
    [ $SECONDS -lt $deadline ] || die "$1 did not answer on port $2 within $4 s; see $5"
    sleep 0.3
  done
}

kafka_up() {
  local pidfile="$run_dir/kafka.pid" logfile="$logs_dir/kafka.log"
  if pid_alive "$pidfile"; then log "Kafka already running (pid $(cat "$pidfile"))"; return; fi
  port_open "$PARCOURS_KAFKA_PORT" && die "port $PARCOURS_KAFKA_PORT is taken by another process; set PARCOURS_KAFKA_PORT"
  bash "$here/install-kafka.sh"
  mkdir -p "$kafka_dir/logs" "$run_dir" "$logs_dir"
  cat > "$kafka_dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$PARCOURS_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PARCOURS_KAFKA_PORT,CONTROLLER://127.0.0.1:$PARCOURS_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PARCOURS_KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$kafka_dir/logs
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  local java_cmd=(java "-Xms256m" "-Xmx$PARCOURS_KAFKA_HEAP" -XX:+UseG1GC -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$here/kafka-log4j2.properties" "-Dkafka.logs.file=$logfile"
    -cp "$KAFKA_HOME/libs/*")
  if [ ! -f "$kafka_dir/logs/meta.properties" ]; then
    local cluster_id
    cluster_id=$("${java_cmd[@]}" kafka.tools.StorageTool random-uuid)
    "${java_cmd[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$kafka_dir/server.properties" >>"$logfile" 2>&1 \
      || die "formatting Kafka storage failed; see $logfile"
  fi
  nohup "${java_cmd[@]}" kafka.Kafka "$kafka_dir/server.properties" >>"$logfile" 2>&1 &
  echo $! > "$pidfile"
  wait_for_port Kafka "$PARCOURS_KAFKA_PORT" "$pidfile" 90 "$logfile"
  log "Kafka $KAFKA_VERSION up on 127.0.0.1:$PARCOURS_KAFKA_PORT (logs: $logfile)"
}

ferretdb_up() {
  local pidfile="$run_dir/ferretdb.pid" logfile="$logs_dir/ferretdb.log"
  if pid_alive "$pidfile"; then log "FerretDB already running (pid $(cat "$pidfile"))"; return; fi
  port_open "$PARCOURS_MONGO_PORT" && die "port $PARCOURS_MONGO_PORT is taken by another process; set PARCOURS_MONGO_PORT"
  bash "$here/install-ferretdb.sh"
  mkdir -p "$ferret_dir/sqlite" "$ferret_dir/state" "$run_dir" "$logs_dir"
  # WAL with synchronous=normal: a crashed process loses nothing; only a power cut may lose the last commits.
  nohup "$FERRETDB_BIN" --handler=sqlite --sqlite-url="file:$ferret_dir/sqlite/?_pragma=synchronous($PARCOURS_SQLITE_SYNCHRONOUS)" \
    --listen-addr="127.0.0.1:$PARCOURS_MONGO_PORT" --telemetry=disable --state-dir="$ferret_dir/state" \
    --debug-addr=- --log-level=warn >>"$logfile" 2>&1 &
  echo $! > "$pidfile"
  wait_for_port FerretDB "$PARCOURS_MONGO_PORT" "$pidfile" 30 "$logfile"
  log "FerretDB $FERRETDB_VERSION up on 127.0.0.1:$PARCOURS_MONGO_PORT (logs: $logfile)"
}

stop_one() { stop_pidfile "$1" "$run_dir/$2.pid"; }

status_one() { # name pidfile port
  if pid_alive "$run_dir/$2.pid"; then
    printf '%-9s running  pid %-7s 127.0.0.1:%s\n' "$1" "$(cat "$run_dir/$2.pid")" "$3"
  else
    printf '%-9s stopped\n' "$1"
  fi
}

case "${1:-}" in
  up) kafka_up & k=$!; ferretdb_up & f=$!; wait $k; wait $f ;;
  kafka-up) kafka_up ;;
  ferretdb-up) ferretdb_up ;;
  down) stop_one FerretDB ferretdb; stop_one Kafka kafka ;;
  status)
    status_one Kafka kafka "$PARCOURS_KAFKA_PORT"
    status_one FerretDB ferretdb "$PARCOURS_MONGO_PORT"
    printf 'data:     %s\ncache:    %s\n' "$PARCOURS_DATA_DIR" "$PARCOURS_CACHE_DIR" ;;
  reset)
    log "this stops the local infrastructure and wipes $PARCOURS_DATA_DIR:"
    log "  Kafka topics and offsets, every service database (FerretDB/SQLite), logs and pid files"
    log "  (the downloaded jars and the FerretDB build in $PARCOURS_CACHE_DIR are kept)"
    "$0" down
    rm -rf "$PARCOURS_DATA_DIR"
    log "wiped" ;;
  *) echo "usage: $0 up|down|status|reset" >&2; exit 2 ;;
esac
