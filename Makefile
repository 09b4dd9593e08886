# The two commands a newcomer needs: `make run` and `make test`.
# Every Python tool runs through scripts/toolchain.sh, which finds or makes Python 3.14 and the
# pinned virtualenv under .toolchain/ (git-ignored) and reuses them when present.
TOOL := scripts/toolchain.sh
PACKAGE := custom_components/backwalk
PYTEST_ARGS ?=

.PHONY: run test toolchain validate lint check typecheck pytest test-versions icons clean bench

run:
	$(TOOL) scripts/run-deps.sh
	$(TOOL) python scripts/dev.py run

# Each step prints how long it took, so a slow loop shows where the time goes.
test:
	@start=$$(date +%s); $(MAKE) --no-print-directory toolchain && \
	echo "-- toolchain ready in $$(( $$(date +%s) - start )) s"
	@start=$$(date +%s); $(MAKE) --no-print-directory check && \
	echo "-- ruff took $$(( $$(date +%s) - start )) s"
	@start=$$(date +%s); $(MAKE) --no-print-directory typecheck && \
	echo "-- mypy took $$(( $$(date +%s) - start )) s"
	@start=$$(date +%s); $(MAKE) --no-print-directory pytest && \
	echo "-- pytest took $$(( $$(date +%s) - start )) s"
	@start=$$(date +%s); $(MAKE) --no-print-directory test-versions && \
	echo "-- test-versions took $$(( $$(date +%s) - start )) s"

toolchain:
	$(TOOL) true

# The oldest Home Assistant backwalk supports (hacs.json; the in-process suite) and the newest
# release (the end-to-end suite), each in its own venv; see scripts/test-versions.sh.
test-versions:
	scripts/test-versions.sh

check:
	@echo "== ruff check + format --check"
	$(TOOL) ruff check .
	$(TOOL) ruff format --check .

typecheck:
	@echo "== mypy --strict"
	$(TOOL) mypy --strict $(PACKAGE)

pytest:
	@echo "== pytest (coverage fails under 95 % for $(PACKAGE))"
	$(TOOL) python -m pytest -p no:cacheprovider --durations=15 \
		--cov=$(PACKAGE) --cov-branch --cov-report=term-missing:skip-covered \
		--cov-fail-under=95 $(PYTEST_ARGS)

# Home Assistant's own hassfest, from a home-assistant/core checkout at the tag we test
# (see requirements.txt), for example:
#   git clone --depth 1 --branch 2026.10.4 <home-assistant/core repository> .toolchain/core
#   make validate CORE_DIR=.toolchain/core
# CORE_DIR must be inside this repository (the toolchain root only sees the repository).
CORE_DIR ?=
validate:
	@test -n "$(CORE_DIR)" || { echo "Set CORE_DIR to a home-assistant/core checkout (see Makefile)"; exit 2; }
	@test -d "$(CORE_DIR)/script/hassfest" || { echo "$(CORE_DIR) has no script/hassfest"; exit 2; }
	cd "$(CORE_DIR)" && $(CURDIR)/$(TOOL) env PYTHONPATH="$$(pwd)" python -m script.hassfest \
		--action validate --integration-path "$(CURDIR)/$(PACKAGE)"

lint:
	$(TOOL) ruff check --fix .
	$(TOOL) ruff format .

icons:
	$(TOOL) python scripts/draw_icon.py

# backwalk against a do-it-yourself history_stats sensor, with 1, 5 and 10 years of history
# (a few minutes; prints a table and writes bench/results/latest.json).
bench:
	$(TOOL) python bench/bench.py

clean:
	rm -rf .toolchain .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov artifacts
	find config -mindepth 1 -maxdepth 1 ! -name configuration.yaml -exec rm -rf {} +
