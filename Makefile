# Parcours: `make run` runs the platform, `make test` runs the tests. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LOCAL := deploy/local
export PARCOURS_OPERATOR_TOKEN ?= local-operator-token

.PHONY: help venv run up down status infra-up infra-down infra-status reset test test-unit test-integration browser \
        lint bench-lists bench-messaging bench-import bench-matching bench-placements bench-notifications bench-dashboard bench-testimonies reliability evaluate-matching rebuild-matching lock clean-venv

help:
	@echo "make run            infrastructure + the four services + demo data, in the foreground (Ctrl-C stops)"
	@echo "                    INSTANCES=2: two instances of every service (make run, make up, make test-integration)"
	@echo "make up / down      the same in the background / stop everything;  make status: what runs where"
	@echo "make test           unit and contract tests, then integration and browser tests on real Kafka and the database"
	@echo "make infra-up|infra-down|infra-status   Kafka and the database engine only;  make reset: wipe local data"
	@echo "make bench-messaging  outbox -> Kafka -> consumer benchmark (bench/results/messaging.json)"
	@echo "make bench-import   the peers import tool on 10,000 rows (bench/results/import.json)"
	@echo "make bench-notifications  SSE latency to 200 browsers, e-mails/s (bench/results/notifications.json)"
	@echo "make bench-placements  conventions: drafts, link actions, the scheduler's sweep (bench/results/placements.json)"
	@echo "make bench-matching  ten suggestions among 100,000 peers, reverse match over 200,000 (bench/results/matching.json)"
	@echo "make bench-dashboard  the region's funnel: events counted/s, reads at 10,000 and 100,000 steps"
	@echo "make bench-testimonies  testimonies' files: 100 MB upload, whole and ranged reads (bench/results/testimonies.json)"
	@echo "make bench-lists    list pages among 100,000 peers and conventions, an inbox of 20,000 (bench/results/lists.json)"
	@echo "make reliability    5,000 operations while each service, Kafka and the database are killed or restarted;"
	@echo "                    every effect checked exactly once (bench/results/reliability.json; RELIABILITY_OPERATIONS=300: quick)"
	@echo "make evaluate-matching  nDCG@10 of the ranking on the evaluation set"
	@echo "make rebuild-matching  rebuild matching's projections from profiles' topics (stops and restarts matching)"
	@echo "make lint           ruff and mypy"

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

# INSTANCES=2: two instances of every service (the second ones on their port + 10)
INSTANCES ?= 1
export PARCOURS_INSTANCES := $(INSTANCES)

run: venv
	@bash $(LOCAL)/run.sh

up: venv infra-up
	@bash $(LOCAL)/services.sh start
	@$(PY) -m services.profiles.demo
	@$(PY) -m services.matching.demo || echo "demo introductions skipped; the platform runs all the same"
	@$(PY) -m services.placements.demo || echo "demo conventions skipped; the platform runs all the same"
	@$(PY) -m services.notifications.demo || echo "demo inboxes left as they are; the platform runs all the same"

down:
	@bash $(LOCAL)/services.sh stop
	@bash $(LOCAL)/infra.sh down

status:
	@bash $(LOCAL)/infra.sh status
	@bash $(LOCAL)/services.sh status

infra-up:
	@bash $(LOCAL)/infra.sh up

infra-down:
	@bash $(LOCAL)/infra.sh down

infra-status:
	@bash $(LOCAL)/infra.sh status

reset:
	@bash $(LOCAL)/services.sh stop
	@bash $(LOCAL)/infra.sh reset

test: venv browser
	$(PY) -m pytest -q tests/unit tests/contract
	$(PY) -m pytest -q tests/integration

browser:
	@bash $(LOCAL)/install-chromium.sh

test-unit: venv
	$(PY) -m pytest -q tests/unit tests/contract

test-integration: venv browser
	PARCOURS_TEST_INSTANCES=$(INSTANCES) $(PY) -m pytest -q tests/integration

lint: venv
	$(VENV)/bin/ruff check services tests bench
	$(VENV)/bin/ruff format --check services tests bench
	$(VENV)/bin/mypy services bench

# Benchmarks run on servers of their own (bench ports, .data/bench), started and stopped around the run.
BENCH_ENV := PARCOURS_DATA_DIR=$(CURDIR)/.data/bench PARCOURS_KAFKA_PORT=29092 PARCOURS_KAFKA_CONTROLLER_PORT=29093 \
	PARCOURS_MONGO_PORT=27029 PARCOURS_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:29092 PARCOURS_MONGODB_URI=mongodb://127.0.0.1:27029

bench-messaging: venv
	@$(BENCH_ENV) bash $(LOCAL)/infra.sh reset >/dev/null
	@$(BENCH_ENV) bash $(LOCAL)/infra.sh up
	$(BENCH_ENV) $(PY) -m bench.messaging; status=$$?; $(BENCH_ENV) bash $(LOCAL)/infra.sh down; exit $$status

bench-import: venv
	@$(BENCH_ENV) bash $(LOCAL)/infra.sh reset >/dev/null
	@$(BENCH_ENV) bash $(LOCAL)/infra.sh database-up
	$(BENCH_ENV) $(PY) -m bench.import_peers; status=$$?; $(BENCH_ENV) bash $(LOCAL)/infra.sh down; exit $$status

bench-notifications: venv
	@$(BENCH_ENV) bash $(LOCAL)/infra.sh reset >/dev/null
	@$(BENCH_ENV) bash $(LOCAL)/infra.sh up
	$(BENCH_ENV) $(PY) -m bench.notifications; status=$$?; $(BENCH_ENV) bash $(LOCAL)/infra.sh down; exit $$status

bench-placements: venv
	@$(BENCH_ENV) bash $(LOCAL)/infra.sh reset >/dev/null
	@$(BENCH_ENV) bash $(LOCAL)/infra.sh database-up
	$(BENCH_ENV) $(PY) -m bench.placements; status=$$?; $(BENCH_ENV) bash $(LOCAL)/infra.sh down; exit $$status

bench-lists: venv
	@$(BENCH_ENV) bash $(LOCAL)/infra.sh reset >/dev/null
	@$(BENCH_ENV) bash $(LOCAL)/infra.sh database-up
	$(BENCH_ENV) $(PY) -m bench.lists; status=$$?; $(BENCH_ENV) bash $(LOCAL)/infra.sh down; exit $$status

bench-dashboard: venv
	@$(BENCH_ENV) bash $(LOCAL)/infra.sh reset >/dev/null
	@$(BENCH_ENV) bash $(LOCAL)/infra.sh database-up
	$(BENCH_ENV) $(PY) -m bench.dashboard; status=$$?; $(BENCH_ENV) bash $(LOCAL)/infra.sh down; exit $$status

bench-testimonies: venv
	@$(BENCH_ENV) bash $(LOCAL)/infra.sh reset >/dev/null
	@$(BENCH_ENV) bash $(LOCAL)/infra.sh database-up
	$(BENCH_ENV) $(PY) -m bench.testimonies; status=$$?; $(BENCH_ENV) bash $(LOCAL)/infra.sh down; exit $$status

# The fault-injection harness starts and stops its own servers (.data/reliability, ports of its own: see
# bench/reliability/__main__.py for RELIABILITY_*), since it restarts them itself.
reliability: venv
	$(PY) -m bench.reliability

evaluate-matching: venv
	$(PY) -m services.matching.evaluation.evaluate

# In memory only: no servers needed.
bench-matching: venv
	$(PY) -m bench.matching

rebuild-matching: venv
	@bash $(LOCAL)/services.sh rebuild-matching

# Records the exact versions that were tested (the ranges are in pyproject.toml).
lock: venv
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean-venv:
	rm -rf $(VENV)
