# Shared settings for the local (no-Docker) infrastructure. Every value can be overridden
# from the environment; sourced by the other scripts of this folder.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"

KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
LOG4J_VERSION="${LOG4J_VERSION:-2.25.3}"
FERRETDB_VERSION="${FERRETDB_VERSION:-v1.24.2}"

# Downloads and builds live outside the checkout so that a fresh clone (CI) reuses them.
PARCOURS_CACHE_DIR="${PARCOURS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/parcours}"
# Runtime data (Kafka logs, SQLite files, pid files, service logs) is git-ignored, per checkout.
PARCOURS_DATA_DIR="${PARCOURS_DATA_DIR:-$repo_root/.data/local}"

PARCOURS_KAFKA_PORT="${PARCOURS_KAFKA_PORT:-9092}"
PARCOURS_KAFKA_CONTROLLER_PORT="${PARCOURS_KAFKA_CONTROLLER_PORT:-9093}"
PARCOURS_MONGO_PORT="${PARCOURS_MONGO_PORT:-27017}"
PARCOURS_KAFKA_HEAP="${PARCOURS_KAFKA_HEAP:-512m}"
PARCOURS_SQLITE_SYNCHRONOUS="${PARCOURS_SQLITE_SYNCHRONOUS:-normal}"   # full: fsync on every commit

KAFKA_HOME="$PARCOURS_CACHE_DIR/kafka-$KAFKA_VERSION"
FERRETDB_BUILD="$FERRETDB_VERSION-idindex"   # our build: see the patch in install-ferretdb.sh
FERRETDB_BIN="$PARCOURS_CACHE_DIR/ferretdb-$FERRETDB_BUILD/ferretdb"

log() { printf '[infra] %s\n' "$*" >&2; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pidfile() { # name pidfile: SIGTERM, up to 20 s for a clean stop, then SIGKILL
  if pid_alive "$2"; then
    local pid; pid=$(cat "$2")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    log "$1 stopped"
  fi
  rm -f "$2"
}
die() { printf '[infra] error: %s\n' "$*" >&2; exit 1; }
