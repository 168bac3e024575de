#!/usr/bin/env bash
# The four Parcours services and the console (the one web address) as local processes. usage: services.sh start | stop | status | rebuild-matching
# PARCOURS_INSTANCES=2 (make run INSTANCES=2) runs two instances of each, the second on its port + 10
# (profiles 8011, console 8010...); every console forwards to every instance of each service.
set -euo pipefail
source "$(dirname "$0")/settings.sh"

SERVICES=(profiles matching placements notifications console)
declare -A PORTS=(
  [profiles]="${PARCOURS_PROFILES_PORT:-8001}"
  [matching]="${PARCOURS_MATCHING_PORT:-8002}"
  [placements]="${PARCOURS_PLACEMENTS_PORT:-8003}"
  [notifications]="${PARCOURS_NOTIFICATIONS_PORT:-8004}"
  [console]="${PARCOURS_CONSOLE_PORT:-8000}"
)
INSTANCES="${PARCOURS_INSTANCES:-1}"
[[ "$INSTANCES" =~ ^[1-9]$ ]] || die "PARCOURS_INSTANCES must be a number from 1 to 9 (got $INSTANCES)"
port_of() { echo $(( PORTS[$1] + 10 * ($2 - 1) )); }   # service, instance number
urls_of() { local i urls=(); for i in $(seq 1 "$INSTANCES"); do urls+=("http://127.0.0.1:$(port_of "$1" "$i")"); done; (IFS=,; echo "${urls[*]}"); }
pidfile_of() { if [ "$2" = 1 ]; then echo "$run_dir/$1.pid"; else echo "$run_dir/$1-$2.pid"; fi; }
python="${PARCOURS_PYTHON:-$repo_root/.venv/bin/python}"
run_dir="$PARCOURS_DATA_DIR/run"
logs_dir="$PARCOURS_DATA_DIR/logs"
export PARCOURS_KAFKA_BOOTSTRAP_SERVERS="${PARCOURS_KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:$PARCOURS_KAFKA_PORT}"
export PARCOURS_MONGODB_URI="${PARCOURS_MONGODB_URI:-mongodb://127.0.0.1:$PARCOURS_MONGO_PORT}"
# the console is the one address people use: the links in e-mails open its pages, and it forwards
# /api/<service>/ to each service
export PARCOURS_PUBLIC_URL="${PARCOURS_PUBLIC_URL:-http://127.0.0.1:${PORTS[console]}}"
export PARCOURS_PROFILES_URL="${PARCOURS_PROFILES_URL:-$(urls_of profiles)}"
export PARCOURS_MATCHING_URL="${PARCOURS_MATCHING_URL:-$(urls_of matching)}"
export PARCOURS_PLACEMENTS_URL="${PARCOURS_PLACEMENTS_URL:-$(urls_of placements)}"
export PARCOURS_NOTIFICATIONS_URL="${PARCOURS_NOTIFICATIONS_URL:-$(urls_of notifications)}"
export PARCOURS_AUTH_JWKS_URL="${PARCOURS_AUTH_JWKS_URL:-http://127.0.0.1:${PORTS[profiles]}/.well-known/jwks.json}"

ready() { curl -fsS -o /dev/null "http://127.0.0.1:$1/readyz" 2>/dev/null; }
mail_smtp_port="${PARCOURS_MAILCATCHER_SMTP_PORT:-1025}"
mail_http_port="${PARCOURS_MAILCATCHER_HTTP_PORT:-8025}"
export PARCOURS_SMTP_HOST="${PARCOURS_SMTP_HOST:-127.0.0.1}" PARCOURS_SMTP_PORT="${PARCOURS_SMTP_PORT:-$mail_smtp_port}"

start_mailcatcher() {
  # a real SMTP server that catches every e-mail locally, and a page that lists them
  local pidfile="$run_dir/mailcatcher.pid"
  if pid_alive "$pidfile"; then return; fi
  PARCOURS_MAILCATCHER_SMTP_PORT="$mail_smtp_port" PARCOURS_MAILCATCHER_HTTP_PORT="$mail_http_port" \
    nohup "$python" -m services.notifications.mailcatcher >>"$logs_dir/mailcatcher.log" 2>&1 &
  echo $! > "$pidfile"
  local deadline=$((SECONDS + 20))
  until curl -fsS -o /dev/null "http://127.0.0.1:$mail_http_port/messages" 2>/dev/null; do
    pid_alive "$pidfile" || die "the mail catcher exited; see $logs_dir/mailcatcher.log"
    [ $SECONDS -lt $deadline ] || die "the mail catcher does not answer on port $mail_http_port"
    sleep 0.3
  done
  log "mail catcher: SMTP on 127.0.0.1:$mail_smtp_port, caught e-mails on http://127.0.0.1:$mail_http_port/"
}

prepare_secrets() {
  if [ -z "${PARCOURS_JWT_PRIVATE_KEY:-}" ] && [ -z "${PARCOURS_JWT_PRIVATE_KEY_FILE:-}" ]; then
    # local runs sign staff tokens with a key made once in the data folder
    export PARCOURS_JWT_PRIVATE_KEY_FILE="$PARCOURS_DATA_DIR/keys/jwt-signing.pem"
    "$python" -m services.profiles.adapters.tokens "$PARCOURS_JWT_PRIVATE_KEY_FILE" >/dev/null
  fi
  if [ -z "${PARCOURS_LINK_SIGNING_KEY:-}" ]; then
    # the links e-mailed to peers and employers are signed with a secret made once in the data folder
    local link_key="$PARCOURS_DATA_DIR/keys/link-signing.key"
    mkdir -p "$(dirname "$link_key")"
    [ -s "$link_key" ] || (umask 077 && "$python" -c "import secrets; print(secrets.token_hex(32))" > "$link_key")
    export PARCOURS_LINK_SIGNING_KEY="$(cat "$link_key")"
  fi
}

start() {
  cd "$repo_root"
  mkdir -p "$run_dir" "$logs_dir"
  prepare_secrets
  start_mailcatcher
  local name i
  for name in "${SERVICES[@]}"; do
    for i in $(seq 1 "$INSTANCES"); do
      local pidfile logfile port
      pidfile=$(pidfile_of "$name" "$i") port=$(port_of "$name" "$i") logfile="$logs_dir/$name$([ "$i" = 1 ] || echo "-$i").log"
      if pid_alive "$pidfile"; then log "$name #$i already running (pid $(cat "$pidfile"))"; continue; fi
      PARCOURS_HTTP_PORT="$port" nohup "$python" -m "services.$name" >>"$logfile" 2>&1 &
      echo $! > "$pidfile"
    done
  done
  local deadline=$((SECONDS + ${PARCOURS_READY_TIMEOUT:-90}))
  for name in "${SERVICES[@]}"; do
    for i in $(seq 1 "$INSTANCES"); do
      local port; port=$(port_of "$name" "$i")
      until ready "$port"; do
        pid_alive "$(pidfile_of "$name" "$i")" || die "$name exited during start-up; see $logs_dir/"
        [ $SECONDS -lt $deadline ] || die "$name is not ready on port $port; see $logs_dir/"
        sleep 0.5
      done
      log "$name ready on http://127.0.0.1:$port (API docs: /docs)"
    done
  done
}

stop() {
  local name pidfile
  for name in "${SERVICES[@]}"; do
    for pidfile in "$run_dir/$name.pid" "$run_dir/$name"-[0-9].pid; do
      [ -e "$pidfile" ] && stop_pidfile "$name" "$pidfile"
    done
  done
  stop_pidfile mailcatcher "$run_dir/mailcatcher.pid"
}

status() {
  local name pidfile
  for name in "${SERVICES[@]}"; do
    local found=0
    for pidfile in "$run_dir/$name.pid" "$run_dir/$name"-[0-9].pid; do
      [ -e "$pidfile" ] || continue
      local number=1; [[ "$pidfile" =~ -([0-9])\.pid$ ]] && number="${BASH_REMATCH[1]}"
      local port; port=$(port_of "$name" "$number")
      if pid_alive "$pidfile"; then
        found=1
        local state="not ready"; ready "$port" && state="ready"
        printf '%-14s running  pid %-7s http://127.0.0.1:%s  %s\n' "$name" "$(cat "$pidfile")" "$port" "$state"
      fi
    done
    [ $found = 1 ] || printf '%-14s stopped\n' "$name"
  done
  if pid_alive "$run_dir/mailcatcher.pid"; then
    printf '%-14s running  pid %-7s http://127.0.0.1:%s  (SMTP %s)\n' mailcatcher "$(cat "$run_dir/mailcatcher.pid")" "$mail_http_port" "$mail_smtp_port"
  else
    printf '%-14s stopped\n' mailcatcher
  fi
  printf 'logs:          %s\n' "$logs_dir"
}

rebuild_matching() {
  # matching's projections from profiles' topics, with the matching service stopped, then everything runs again
  cd "$repo_root"
  local pidfile
  for pidfile in "$run_dir/matching.pid" "$run_dir/matching"-[0-9].pid; do
    [ -e "$pidfile" ] && stop_pidfile matching "$pidfile"
  done
  prepare_secrets
  "$python" -m services.matching.rebuild
  start
}

case "${1:-}" in
  start) start ;;
  rebuild-matching) rebuild_matching ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status|rebuild-matching" >&2; exit 2 ;;
esac
