#!/usr/bin/env bash
# Local infrastructure without Docker: Kafka (KRaft, single node) and the database engine
# (FerretDB v2 on PostgreSQL 18 with DocumentDB, see install-documentdb.sh).
# usage: infra.sh up | down | status | reset   (kafka-up, database-up: one server;
#        kafka-restart, database-restart: stop one server and start it again on its data, for fault injection)
set -euo pipefail
source "$(dirname "$0")/settings.sh"

kafka_dir="$PARCOURS_DATA_DIR/kafka"
ferret_dir="$PARCOURS_DATA_DIR/ferretdb"
pg_dir="$PARCOURS_DATA_DIR/postgres"
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

database_up() { # PostgreSQL 18 + DocumentDB in its chroot, then FerretDB v2 in front of it
  local pg_pidfile="$run_dir/postgres.pid" pidfile="$run_dir/ferretdb.pid" logfile="$logs_dir/ferretdb.log"
  if pid_alive "$pidfile"; then log "database already running (pid $(cat "$pidfile"))"; return; fi
  port_open "$PARCOURS_MONGO_PORT" && die "port $PARCOURS_MONGO_PORT is taken by another process; set PARCOURS_MONGO_PORT"
  bash "$here/install-documentdb.sh"
  mkdir -p "$run_dir" "$logs_dir" "$ferret_dir/state"
  postgres_up
  nohup "$FERRETDB_BIN" --postgresql-url="postgres://postgres@127.0.0.1:$PARCOURS_POSTGRES_PORT/postgres" \
    --listen-addr="127.0.0.1:$PARCOURS_MONGO_PORT" --no-auth --telemetry=disable --state-dir="$ferret_dir/state" \
    --debug-addr=- --log-level=warn >>"$logfile" 2>&1 &
  echo $! > "$pidfile"
  wait_for_port FerretDB "$PARCOURS_MONGO_PORT" "$pidfile" 60 "$logfile"
  engine_check
  log "FerretDB $FERRETDB_VERSION on PostgreSQL 18 + DocumentDB $(cat "$DOCUMENTDB_ROOT/.documentdb-version") up on 127.0.0.1:$PARCOURS_MONGO_PORT"
}

# The cluster's files live in $PARCOURS_DATA_DIR/postgres, bind-mounted into the chroot while it runs.
postgres_up() {
  local pg_pidfile="$run_dir/postgres.pid" pg_log="$logs_dir/postgres.log" mount
  mount=$(pgdata_mount)
  pid_alive "$pg_pidfile" && return 0
  port_open "$PARCOURS_POSTGRES_PORT" && die "port $PARCOURS_POSTGRES_PORT is taken by another process; set PARCOURS_POSTGRES_PORT"
  local uid gid
  uid=$(chroot "$DOCUMENTDB_ROOT" id -u postgres) gid=$(chroot "$DOCUMENTDB_ROOT" id -g postgres)
  mkdir -p "$pg_dir" "$mount"
  chown "$uid:$gid" "$pg_dir"
  mountpoint -q "$mount" || mount --bind "$pg_dir" "$mount"
  local in_root=${mount#"$DOCUMENTDB_ROOT"}
  if [ ! -f "$pg_dir/PG_VERSION" ]; then
    chroot --userspec=postgres:postgres "$DOCUMENTDB_ROOT" /usr/lib/postgresql/18/bin/initdb -D "$in_root" \
      --auth=trust --encoding=UTF8 --locale=C.UTF-8 >>"$pg_log" 2>&1 || die "initdb failed; see $pg_log"
    cat >> "$pg_dir/postgresql.conf" <<CONF
# Parcours: DocumentDB behind FerretDB, on loopback only
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
dynamic_shared_memory_type = mmap
max_connections = 300
shared_buffers = 256MB
synchronous_commit = $PARCOURS_POSTGRES_SYNCHRONOUS_COMMIT
shared_preload_libraries = 'pg_cron, pg_documentdb_core, pg_documentdb'
cron.database_name = 'postgres'
cron.use_background_workers = on
cron.log_run = off
cron.log_statement = off
CONF
  fi
  chroot --userspec=postgres:postgres "$DOCUMENTDB_ROOT" /usr/lib/postgresql/18/bin/postgres -D "$in_root" \
    -p "$PARCOURS_POSTGRES_PORT" >>"$pg_log" 2>&1 &
  echo $! > "$pg_pidfile"
  wait_for_port PostgreSQL "$PARCOURS_POSTGRES_PORT" "$pg_pidfile" 60 "$pg_log"
  until psql_do "SELECT 1" >/dev/null 2>&1; do
    pid_alive "$pg_pidfile" || die "PostgreSQL exited during start-up; see $pg_log"; sleep 0.3
  done
  # every start (a no-op once made): a first start that died after initdb must not leave it missing
  psql_do "CREATE EXTENSION IF NOT EXISTS documentdb CASCADE" >>"$pg_log" 2>&1 || die "CREATE EXTENSION documentdb failed; see $pg_log"
  # TTL indexes are applied by a pg_cron job of the extension: every minute unless told otherwise.
  local rescheduled
  rescheduled=$(psql_do "SELECT count(cron.alter_job(jobid, schedule := '$PARCOURS_TTL_SCHEDULE')) FROM cron.job WHERE jobname = 'documentdb_ttl_task'" 2>>"$pg_log" || true)
  [ "$rescheduled" = 1 ] || log "warning: the extension's TTL job (documentdb_ttl_task) was not found; expired documents go every minute"
}

psql_do() {
  chroot --userspec=postgres:postgres "$DOCUMENTDB_ROOT" /usr/lib/postgresql/18/bin/psql -h 127.0.0.1 \
    -p "$PARCOURS_POSTGRES_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt -c "$1"
}

# What the platform relies on, tried once the gateway answers: fails loudly if the extension and the gateway disagree.
engine_check() {
  local python="$repo_root/.venv/bin/python"
  [ -x "$python" ] || { log "no .venv yet: the engine's smoke check runs at the next start"; return 0; }
  (cd "$repo_root" && "$python" -m services.kit.engine_check "mongodb://127.0.0.1:$PARCOURS_MONGO_PORT") \
    || { [ -n "${PARCOURS_ENGINE_CHECK_KEEP:-}" ] || "$0" down; die "the database engine failed its smoke check (above); it was stopped"; }
}

database_down() {
  stop_one FerretDB ferretdb
  postgres_down
  local mount; mount=$(pgdata_mount)
  if mountpoint -q "$mount" 2>/dev/null; then
    umount "$mount" && rmdir "$mount" || log "warning: $mount is still mounted (a PostgreSQL process left?)"
  fi
}

postgres_down() { # a fast shutdown (SIGINT): sessions are ended, the cluster stops cleanly
  local pidfile="$run_dir/postgres.pid"
  if pid_alive "$pidfile"; then
    local pid; pid=$(cat "$pidfile")
    kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    log "PostgreSQL stopped"
  fi
  rm -f "$pidfile"
}

stop_one() { stop_pidfile "$1" "$run_dir/$2.pid"; }

status_one() { # name pidfile port
  if pid_alive "$run_dir/$2.pid"; then
    printf '%-10s running  pid %-7s 127.0.0.1:%s\n' "$1" "$(cat "$run_dir/$2.pid")" "$3"
  else
    printf '%-10s stopped\n' "$1"
  fi
}

case "${1:-}" in
  up) kafka_up & k=$!; database_up & f=$!; wait $k; wait $f ;;
  kafka-up) kafka_up ;;
  database-up) database_up ;;
  kafka-restart) stop_one Kafka kafka; kafka_up ;;
  database-restart) database_down; database_up ;;
  down) database_down; stop_one Kafka kafka ;;
  status)
    status_one Kafka kafka "$PARCOURS_KAFKA_PORT"
    status_one FerretDB ferretdb "$PARCOURS_MONGO_PORT"
    status_one PostgreSQL postgres "$PARCOURS_POSTGRES_PORT"
    if [ -f "$DOCUMENTDB_ROOT/.complete" ]; then
      printf 'engine:   FerretDB %s, PostgreSQL 18 + DocumentDB %s (%s)\n' "$FERRETDB_VERSION" \
        "$(cat "$DOCUMENTDB_ROOT/.documentdb-version")" "$DOCUMENTDB_ROOT"
    else
      printf 'engine:   not built yet (make infra-up builds it)\n'
    fi
    printf 'data:     %s\ncache:    %s\n' "$PARCOURS_DATA_DIR" "$PARCOURS_CACHE_DIR" ;;
  reset)
    log "this stops the local infrastructure and wipes $PARCOURS_DATA_DIR:"
    log "  Kafka topics and offsets, every service database (the PostgreSQL cluster), logs and pid files"
    log "  (the Kafka jars and the database engine built in $PARCOURS_CACHE_DIR are kept)"
    "$0" down
    rm -rf "$PARCOURS_DATA_DIR"
    log "wiped" ;;
  *) echo "usage: $0 up|down|status|reset|kafka-up|database-up|kafka-restart|database-restart" >&2; exit 2 ;;
esac
