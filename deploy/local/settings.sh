# Shared settings for the local (no-Docker) infrastructure. Every value can be overridden
# from the environment; sourced by the other scripts of this folder.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"

KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
LOG4J_VERSION="${LOG4J_VERSION:-2.25.3}"
FERRETDB_VERSION="${FERRETDB_VERSION:-v2.7.0}"
# PostgreSQL 18 + DocumentDB come from this Debian suite (testing; sid is the fallback).
DOCUMENTDB_SUITE="${DOCUMENTDB_SUITE:-forky}"

# Downloads and builds live outside the checkout so that a fresh clone (CI) reuses them.
PARCOURS_CACHE_DIR="${PARCOURS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/parcours}"
# Runtime data (Kafka logs, the PostgreSQL cluster, pid files, service logs) is git-ignored, per checkout.
PARCOURS_DATA_DIR="${PARCOURS_DATA_DIR:-$repo_root/.data/local}"

PARCOURS_KAFKA_PORT="${PARCOURS_KAFKA_PORT:-9092}"
PARCOURS_KAFKA_CONTROLLER_PORT="${PARCOURS_KAFKA_CONTROLLER_PORT:-9093}"
PARCOURS_MONGO_PORT="${PARCOURS_MONGO_PORT:-27017}"
PARCOURS_KAFKA_HEAP="${PARCOURS_KAFKA_HEAP:-512m}"
# PostgreSQL behind the gateway: 42417 beside 27017 (below it when that would pass 65535)
default_postgres_port=$((PARCOURS_MONGO_PORT + 15400))
[ "$default_postgres_port" -le 65535 ] || default_postgres_port=$((PARCOURS_MONGO_PORT - 15400))
PARCOURS_POSTGRES_PORT="${PARCOURS_POSTGRES_PORT:-$default_postgres_port}"
# off: a crashed process loses nothing, an OS crash may lose the last fraction of a second (on: fsync each commit)
PARCOURS_POSTGRES_SYNCHRONOUS_COMMIT="${PARCOURS_POSTGRES_SYNCHRONOUS_COMMIT:-off}"
PARCOURS_TTL_SCHEDULE="${PARCOURS_TTL_SCHEDULE:-10 seconds}"   # how often expired documents are purged

KAFKA_HOME="$PARCOURS_CACHE_DIR/kafka-$KAFKA_VERSION"
FERRETDB_BIN="$PARCOURS_CACHE_DIR/ferretdb-$FERRETDB_VERSION/ferretdb"
DOCUMENTDB_ROOT="$PARCOURS_CACHE_DIR/documentdb-$DOCUMENTDB_SUITE"   # the chroot with PostgreSQL

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

# Each data folder (local, test, bench) has its own cluster, mounted at its own place in the chroot.
pgdata_mount() { printf '%s/srv/pgdata-%s' "$DOCUMENTDB_ROOT" "$(printf '%s' "$PARCOURS_DATA_DIR" | cksum | cut -d' ' -f1)"; }

engine_unmount() { # before the chroot is deleted: never delete a root with a data directory mounted inside
  local target
  for target in $(findmnt -rn -o TARGET | grep -E "^$DOCUMENTDB_ROOT(\.tmp)?/" || true); do
    umount "$target" || die "cannot unmount $target (is the database still running?)"
  done
}
