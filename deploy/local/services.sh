#!/usr/bin/env bash
# The four Parcours services and the console (the one web address) as local processes. usage: services.sh start | stop | status | rebuild-matching
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
python="${PARCOURS_PYTHON:-$repo_root/.venv/bin/python}"
run_dir="$PARCOURS_DATA_DIR/run"
logs_dir="$PARCOURS_DATA_DIR/logs"
export PARCOURS_KAFKA_BOOTSTRAP_SERVERS="${PARCOURS_KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:$PARCOURS_KAFKA_PORT}"
export PARCOURS_MONGODB_URI="${PARCOURS_MONGODB_URI:-mongodb://127.0.0.1:$PARCOURS_MONGO_PORT}"
# the console is the one address people use: the links in e-mails open its pages, and it forwards
# /api/<service>/ to each service
export PARCOURS_PUBLIC_URL="${PARCOURS_PUBLIC_URL:-http://127.0.0.1:${PORTS[console]}}"
export PARCOURS_PROFILES_URL="${PARCOURS_PROFILES_URL:-http://127.0.0.1:${PORTS[profiles]}}"
export PARCOURS_MATCHING_URL="${PARCOURS_MATCHING_URL:-http://127.0.0.1:${PORTS[matching]}}"
export PARCOURS_PLACEMENTS_URL="${PARCOURS_PLACEMENTS_URL:-http://127.0.0.1:${PORTS[placements]}}"
export PARCOURS_NOTIFICATIONS_URL="${PARCOURS_NOTIFICATIONS_URL:-http://127.0.0.1:${PORTS[notifications]}}"
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
  for name in "${SERVICES[@]}"; do
    local pidfile="$run_dir/$name.pid"
    if pid_alive "$pidfile"; then log "$name already running (pid $(cat "$pidfile"))"; continue; fi
    PARCOURS_HTTP_PORT="${PORTS[$name]}" nohup "$python" -m "services.$name" >>"$logs_dir/$name.log" 2>&1 &
    echo $! > "$pidfile"
  done
  local deadline=$((SECONDS + ${PARCOURS_READY_TIMEOUT:-90}))
  for name in "${SERVICES[@]}"; do
    until ready "${PORTS[$name]}"; do
      pid_alive "$run_dir/$name.pid" || die "$name exited during start-up; see $logs_dir/$name.log"
      [ $SECONDS -lt $deadline ] || die "$name is not ready on port ${PORTS[$name]}; see $logs_dir/$name.log"
      sleep 0.5
    done
    log "$name ready on http://127.0.0.1:${PORTS[$name]} (API docs: /docs)"
  done
}

stop() {
  for name in "${SERVICES[@]}"; do stop_pidfile "$name" "$run_dir/$name.pid"; done
  stop_pidfile mailcatcher "$run_dir/mailcatcher.pid"
}

status() {
  for name in "${SERVICES[@]}"; do
    if pid_alive "$run_dir/$name.pid"; then
      local state="not ready"; ready "${PORTS[$name]}" && state="ready"
      printf '%-14s running  pid %-7s http://127.0.0.1:%s  %s\n' "$name" "$(cat "$run_dir/$name.pid")" "${PORTS[$name]}" "$state"
    else
      printf '%-14s stopped\n' "$name"
    fi
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
  stop_pidfile matching "$run_dir/matching.pid"
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
