#!/usr/bin/env bash
# Resolves the Kafka broker jars once into the cache; a second run downloads nothing.
set -euo pipefail
source "$(dirname "$0")/settings.sh"

if [ -f "$KAFKA_HOME/.complete" ]; then exit 0; fi
command -v mvn >/dev/null || die "Maven (mvn) is needed to resolve the Kafka jars"
command -v java >/dev/null || die "Java 17+ is needed to run Kafka"
log "resolving Kafka $KAFKA_VERSION jars into $KAFKA_HOME (once)"
rm -rf "$KAFKA_HOME.tmp" && mkdir -p "$KAFKA_HOME.tmp"
mvn -B -q -f "$here/kafka-pom.xml" \
  -Dkafka.version="$KAFKA_VERSION" -Dlog4j.version="$LOG4J_VERSION" \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$KAFKA_HOME.tmp/libs"
# Kafka 4.1 uses slf4j-api 1.7, hence log4j-slf4j-impl; keep exactly one binding.
find "$KAFKA_HOME.tmp/libs" -name 'slf4j-reload4j-*.jar' -delete
touch "$KAFKA_HOME.tmp/.complete"
rm -rf "$KAFKA_HOME" && mv "$KAFKA_HOME.tmp" "$KAFKA_HOME"
log "Kafka jars ready ($(ls "$KAFKA_HOME/libs" | wc -l) jars)"
