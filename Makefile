# The README's two commands: `make demo` and `make test`. Both create .venv when
# it is missing and reinstall only when pyproject.toml or constraints.txt change.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
STAMP  := $(VENV)/.installed
DEMO_OUT ?= out/nk-troops

.PHONY: demo test install browser golden bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/corroborate score examples/nk-troops -o $(DEMO_OUT)

# The browser tests of report.html need Debian's chromium and chromium-driver: installed
# here when missing and we are root with apt-get; otherwise those tests skip with a
# message (CI sets CORROBORATE_REQUIRE_BROWSER=1, so there they must run).
browser:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing chromium and chromium-driver for the browser tests (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
	  || echo "note: could not install chromium; the browser tests will skip"; \
	else echo "note: chromium is not installed and cannot be installed here (needs root and apt-get);" \
	  "the browser tests will skip"; fi

test: $(STAMP) browser
	$(BIN)/python -m pytest

# Regenerate the golden files of the example (tests/golden/) and docs/report.png
golden: $(STAMP) browser
	$(BIN)/python -m tests.golden

# bench_speed.py needs the real-news dev corpus (../shared/realnews/README.md) in /tmp/realnews
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_threshold.py
	$(BIN)/python benchmarks/bench_backends.py
	$(BIN)/python benchmarks/bench_speed.py

clean:
	rm -rf $(VENV) out .pytest_cache
