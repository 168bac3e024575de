#!/usr/bin/env bash
# Builds the database engine once into the cache: PostgreSQL 18 with Microsoft's DocumentDB extension
# (Debian testing's postgresql-18-documentdb) in a chroot, since the extension needs a newer libc than
# this machine's, and FerretDB v2 (the MongoDB wire protocol in front of it) from the Go module.
# A rebuild reuses the cached base tarball, .deb files and Go modules: nothing is downloaded twice.
# The data directory lives outside the chroot (infra.sh bind-mounts it), so a rebuild keeps the data.
set -euo pipefail
source "$(dirname "$0")/settings.sh"

build_chroot() {
  [ -f "$DOCUMENTDB_ROOT/.complete" ] && return 0
  [ "$(id -u)" = 0 ] || die "building the database engine needs root (debootstrap and chroot); run as root once"
  engine_unmount  # never delete a root with the data directory still mounted inside it
  command -v debootstrap >/dev/null || {
    log "installing debootstrap"
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
  }
  local mirror="${PARCOURS_DEBIAN_MIRROR:-}"
  if [ -z "$mirror" ]; then  # the mirror this machine's apt already uses
    mirror=$(grep -hoE '^(URIs:[[:space:]]*|deb[[:space:]]+)[^[:space:]]+/debian/?([[:space:]]|$)' \
      /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -1 | awk '{print $NF}' || true)
  fi
  [ -n "$mirror" ] || die "no Debian mirror found in /etc/apt; set PARCOURS_DEBIAN_MIRROR"
  local cache="$PARCOURS_CACHE_DIR/documentdb-cache" script=/usr/share/debootstrap/scripts/sid
  mkdir -p "$cache/debs"
  log "building PostgreSQL 18 + DocumentDB ($DOCUMENTDB_SUITE) in $DOCUMENTDB_ROOT (once, a few minutes)"
  rm -rf "$DOCUMENTDB_ROOT.tmp"
  if [ ! -f "$cache/base-$DOCUMENTDB_SUITE.tgz" ]; then
    debootstrap --variant=minbase --make-tarball="$cache/base-$DOCUMENTDB_SUITE.tgz.part" \
      "$DOCUMENTDB_SUITE" "$DOCUMENTDB_ROOT.tmp" "$mirror" "$script" >"$cache/debootstrap.log" 2>&1 \
      || die "debootstrap could not fetch $DOCUMENTDB_SUITE; see $cache/debootstrap.log"
    mv "$cache/base-$DOCUMENTDB_SUITE.tgz.part" "$cache/base-$DOCUMENTDB_SUITE.tgz"
    rm -rf "$DOCUMENTDB_ROOT.tmp"
  fi
  debootstrap --variant=minbase --unpack-tarball="$cache/base-$DOCUMENTDB_SUITE.tgz" \
    "$DOCUMENTDB_SUITE" "$DOCUMENTDB_ROOT.tmp" "$mirror" "$script" >"$cache/debootstrap.log" 2>&1 \
    || die "debootstrap failed; see $cache/debootstrap.log"
  local r="$DOCUMENTDB_ROOT.tmp"
  echo "deb $mirror $DOCUMENTDB_SUITE main" > "$r/etc/apt/sources.list"
  # The mirror may serve a Release file past its validity date.
  echo 'Acquire::Check-Valid-Until "false";' > "$r/etc/apt/apt.conf.d/99parcours"
  echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' >> "$r/etc/apt/apt.conf.d/99parcours"
  mkdir -p "$r/etc/postgresql-common/createcluster.d"
  echo 'create_main_cluster = false' > "$r/etc/postgresql-common/createcluster.d/parcours.conf"
  printf '#!/bin/sh\nexit 101\n' > "$r/usr/sbin/policy-rc.d" && chmod +x "$r/usr/sbin/policy-rc.d"
  cp "$cache"/debs/*.deb "$r/var/cache/apt/archives/" 2>/dev/null || true
  mount -t proc proc "$r/proc"
  # shellcheck disable=SC2064  # expanded now: $r is local to this function
  trap "umount '$r/proc' 2>/dev/null || true" EXIT  # even if interrupted: never leave /proc mounted
  local status=0
  { chroot "$r" apt-get update -q && DEBIAN_FRONTEND=noninteractive chroot "$r" \
      apt-get install -y -q --no-install-recommends postgresql-18-documentdb; } >"$cache/apt.log" 2>&1 || status=$?
  umount "$r/proc"
  trap - EXIT
  [ $status = 0 ] || die "installing postgresql-18-documentdb failed; see $cache/apt.log"
  cp "$r"/var/cache/apt/archives/*.deb "$cache/debs/" 2>/dev/null || true
  rm -f "$r"/var/cache/apt/archives/*.deb
  chroot "$r" dpkg-query -W -f '${Version}' postgresql-18-documentdb > "$r/.documentdb-version"
  touch "$r/.complete"
  rm -rf "$DOCUMENTDB_ROOT" && mv "$r" "$DOCUMENTDB_ROOT"
  log "PostgreSQL 18 + DocumentDB $(cat "$DOCUMENTDB_ROOT/.documentdb-version") ready"
}

build_gateway() {
  [ -x "$FERRETDB_BIN" ] && return 0
  command -v go >/dev/null || die "Go is needed to build FerretDB"
  log "building FerretDB $FERRETDB_VERSION into $(dirname "$FERRETDB_BIN") (once, about two minutes)"
  mkdir -p "$(dirname "$FERRETDB_BIN")"
  (cd /tmp && GOBIN="$(dirname "$FERRETDB_BIN").tmp" go install -trimpath \
    "github.com/FerretDB/FerretDB/v2/cmd/ferretdb@$FERRETDB_VERSION") || die "building FerretDB failed"
  mv "$(dirname "$FERRETDB_BIN").tmp/ferretdb" "$FERRETDB_BIN"
  rmdir "$(dirname "$FERRETDB_BIN").tmp"
  log "FerretDB ready: $FERRETDB_BIN"
}

case "${1:-all}" in
  chroot) build_chroot ;;
  gateway) build_gateway ;;
  all) build_chroot & c=$!; build_gateway & g=$!; wait $c; wait $g ;;
esac
