# Two commands set everything up from nothing but python3: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install vendor browser lint typecheck bpmnlint bench clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The workplace's browser files (bpmn-js) from the npm registry, pinned by package-lock.json,
# copied under web/static/vendor/ at install time: the running service fetches nothing.
WEB_ASSETS_DIR := tools/web-assets
WEB_MODULES := $(WEB_ASSETS_DIR)/node_modules
VENDOR := web/static/vendor
VENDOR_STAMP := $(VENDOR)/.installed-stamp

$(VENDOR_STAMP): $(WEB_ASSETS_DIR)/package.json $(WEB_ASSETS_DIR)/package-lock.json
	cd $(WEB_ASSETS_DIR) && npm ci --silent --no-audit --no-fund
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bpmn-js
	cp $(WEB_MODULES)/bpmn-js/dist/bpmn-navigated-viewer.production.min.js $(VENDOR)/bpmn-js/
	cp $(WEB_MODULES)/bpmn-js/dist/assets/bpmn-js.css $(VENDOR)/bpmn-js/
	cp $(WEB_MODULES)/bpmn-js/dist/assets/diagram-js.css $(VENDOR)/bpmn-js/
	cp $(WEB_MODULES)/bpmn-js/LICENSE $(VENDOR)/bpmn-js/LICENSE.txt
	touch $@

vendor: $(VENDOR_STAMP)

install: $(STAMP) $(VENDOR_STAMP)

# The browser tests drive Debian's Chromium with Chinese fonts (Playwright downloads nothing).
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser:
	@dpkg -s chromium fonts-noto-cjk >/dev/null 2>&1 || \
	  ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk)

run: install
	$(BIN)/hotline init
	$(BIN)/hotline demo
	$(BIN)/hotline serve --host 127.0.0.1 --port 8000

# lint-imports: the layer and no-cycle contracts of setup.cfg [importlinter].
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

# mypy over every package (setup.cfg [mypy]).
typecheck: $(STAMP)
	$(BIN)/mypy

# bpmnlint (recommended + Camunda 7.21 compatibility) over bpmn/*.bpmn; warnings fail too;
# then each diagram is read, saved and read again as Camunda Modeler does (roundtrip.mjs).
BPMNLINT_DIR := tools/bpmnlint
BPMNLINT_STAMP := $(BPMNLINT_DIR)/node_modules/.installed-stamp
BPMNLINT_FILES := $(abspath $(wildcard bpmn/*.bpmn))

$(BPMNLINT_STAMP): $(BPMNLINT_DIR)/package.json $(BPMNLINT_DIR)/package-lock.json
	cd $(BPMNLINT_DIR) && npm ci --silent --no-audit --no-fund
	touch $@

# The README's example change to ticket.bpmn is linted as Modeler would save it, too.
EXAMPLE_BPMN := $(abspath $(BPMNLINT_DIR))/ticket-urgent-reminder.bpmn

bpmnlint: $(BPMNLINT_STAMP)
	patch -s -o $(EXAMPLE_BPMN) bpmn/ticket.bpmn examples/ticket-urgent-reminder.patch
	cd $(BPMNLINT_DIR) && ./node_modules/.bin/bpmnlint --max-warnings=0 $(BPMNLINT_FILES) $(EXAMPLE_BPMN)
	cd $(BPMNLINT_DIR) && node roundtrip.mjs $(BPMNLINT_FILES) $(EXAMPLE_BPMN)
	rm -f $(EXAMPLE_BPMN)

test: install browser lint typecheck bpmnlint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/lifecycle.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache *.egg-info $(BPMNLINT_DIR)/node_modules
	rm -rf $(WEB_MODULES) $(VENDOR)
