# Two commands do all set-up on a fresh Debian machine:
#   make run   - create .venv, install, serve the app on 127.0.0.1 with the bundled data
#   make test  - create/refresh .venv, install test deps and Debian chromium/gdal/poppler, run ruff + every test
#                (the browser tier serially, the rest on JOBS workers)
# While working: make check - ruff + the fast tier (no browser, no slow tests; see tests/conftest.py), on JOBS
#                             pytest-xdist workers (default 2)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 8501
STORE  ?=
JOBS   ?= 2
STAMP   = $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
DEBIAN_TEST_PKGS = chromium gdal-bin poppler-utils

.PHONY: run test check lint venv system-deps bench bench-browser clean messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/incident-map serve --port $(PORT) $(if $(STORE),--store $(STORE),)

# Browser tests use Debian's chromium (never a downloaded browser); ogrinfo and pdftotext check exports; GDAL's
# GeoPackage validator (python3-gdal) checks the store file; the store tests start a throwaway PostgreSQL cluster
# with PostGIS (Debian's postgresql + postgis, whatever major version the release ships).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v ogrinfo  >/dev/null 2>&1 || missing="$$missing gdal-bin"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	/usr/bin/python3 -c 'import osgeo_utils' >/dev/null 2>&1 || missing="$$missing python3-gdal"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || missing="$$missing postgis postgresql-postgis"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check dashboard tests scripts benchmarks

# Every test in two runs: all but the browser tier on JOBS pytest-xdist workers (a file's tests stay on one worker,
# with its fixtures), then the browser tier serially: a served app and chromium beside another worker were too slow
# once (a picker's list not drawn within 10 s). 2026-12-05, 2 cores: 23–27 + 13–15 min, against 63 min all serially.
test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest -m "not browser" -n $(JOBS) --dist loadfile; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; rc=1; fi; \
	$(BIN)/python -m pytest -m browser; rc2=$$?; \
	if [ $$rc2 -eq 5 ]; then echo "pytest collected no browser tests: failing"; rc2=1; fi; \
	if [ $$rc -ne 0 ]; then exit $$rc; fi; exit $$rc2

check: $(STAMP) lint
	$(BIN)/python -m pytest -m "not browser and not slow" -n $(JOBS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

# Translations: extract the marked strings (configuration: [tool.babel] in pyproject.toml) into
# dashboard/locale/messages.pot and merge them into every catalogue; then translate the new entries of each
# dashboard/locale/<lang>/LC_MESSAGES/messages.po (a new language: pybabel init -l <lang> -i dashboard/locale/messages.pot
# -d dashboard/locale). The catalogues are compiled in memory when the app starts (dashboard/i18n.py).
messages: $(STAMP)
	$(BIN)/pybabel extract
	$(BIN)/pybabel update

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# What a reader waits for in Debian chromium (servers on 127.0.0.1): the app beside a minimal Streamlit floor and a
# FastMarkerCluster page; SIZES=bundled,100000,1000000 for the million (its store takes minutes to write)
SIZES ?= bundled,100000
bench-browser: $(STAMP) system-deps
	$(BIN)/python benchmarks/browser.py --sizes $(SIZES)

clean:
	rm -rf $(VENV) .pytest_cache
