#!/usr/bin/env bash
# `make run`: infrastructure, the four services, the console and the demo data, in the foreground until Ctrl-C.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/settings.sh"

stopping=0
shutdown() {
  [ $stopping -eq 1 ] && return; stopping=1
  echo; log "stopping…"
  bash "$here/services.sh" stop || true
  bash "$here/infra.sh" down || true
  exit 0
}
trap shutdown INT TERM

bash "$here/infra.sh" up
bash "$here/services.sh" start
"${PARCOURS_PYTHON:-$repo_root/.venv/bin/python}" -m services.profiles.demo
PARCOURS_DATA_DIR="$PARCOURS_DATA_DIR" "${PARCOURS_PYTHON:-$repo_root/.venv/bin/python}" -m services.matching.demo \
  || log "demo introductions skipped (see above); the platform runs all the same"
PARCOURS_DATA_DIR="$PARCOURS_DATA_DIR" "${PARCOURS_PYTHON:-$repo_root/.venv/bin/python}" -m services.placements.demo \
  || log "demo conventions skipped (see above); the platform runs all the same"
"${PARCOURS_PYTHON:-$repo_root/.venv/bin/python}" -m services.notifications.demo \
  || log "demo inboxes left as they are (see above); the platform runs all the same"
cat <<MSG

Parcours is running (Ctrl-C stops everything):
  console        http://127.0.0.1:${PARCOURS_CONSOLE_PORT:-8000}/  (the one address: pages, and /api/<service>/...)
  profiles       http://127.0.0.1:${PARCOURS_PROFILES_PORT:-8001}/docs
  matching       http://127.0.0.1:${PARCOURS_MATCHING_PORT:-8002}/docs
  placements     http://127.0.0.1:${PARCOURS_PLACEMENTS_PORT:-8003}/docs
  notifications  http://127.0.0.1:${PARCOURS_NOTIFICATIONS_PORT:-8004}/docs
  e-mails        http://127.0.0.1:${PARCOURS_MAILCATCHER_HTTP_PORT:-8025}/ (every e-mail sent locally lands here)
  Kafka          127.0.0.1:$PARCOURS_KAFKA_PORT      database  mongodb://127.0.0.1:$PARCOURS_MONGO_PORT (FerretDB v2 on PostgreSQL + DocumentDB)
  instances      ${PARCOURS_INSTANCES:-1} of each service$([ "${PARCOURS_INSTANCES:-1}" = 1 ] || echo " (the others on their port + 10, + 20...)")
  operator token ${PARCOURS_OPERATOR_TOKEN:-} (Authorize button in /docs)
  logs           $PARCOURS_DATA_DIR/logs/
MSG
while true; do sleep 3600 & wait $! || true; done
